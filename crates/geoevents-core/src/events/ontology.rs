//! What kind of event: ACLED's ontology (its codebook's 6 event types and 25
//! sub-event types, spelled as ACLED spells them) and, for what news maps need
//! beyond it, five more classes. [`EventClass`] covers every event.

use serde::{Deserialize, Serialize};

/// ACLED's event types, serialised exactly as ACLED writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AcledEventType {
    /// "Battles": a violent clash between two organised armed groups.
    #[serde(rename = "Battles")]
    Battles,
    /// "Explosions/Remote violence": shelling, air or drone strikes, bombs, IEDs: violence the target cannot answer on
    /// the spot.
    #[serde(rename = "Explosions/Remote violence")]
    ExplosionsRemoteViolence,
    /// "Violence against civilians": an armed group deliberately harming unarmed non-combatants.
    #[serde(rename = "Violence against civilians")]
    ViolenceAgainstCivilians,
    /// "Protests": a public demonstration whose participants are not violent.
    #[serde(rename = "Protests")]
    Protests,
    /// "Riots": demonstrators or a mob acting violently or destructively.
    #[serde(rename = "Riots")]
    Riots,
    /// "Strategic developments": non-violent acts that matter to a conflict (agreements, arrests, troop movements,
    /// looting, seizures of bases).
    #[serde(rename = "Strategic developments")]
    StrategicDevelopments,
}

impl AcledEventType {
    /// The name exactly as ACLED spells it, the same string as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            AcledEventType::Battles => "Battles",
            AcledEventType::ExplosionsRemoteViolence => "Explosions/Remote violence",
            AcledEventType::ViolenceAgainstCivilians => "Violence against civilians",
            AcledEventType::Protests => "Protests",
            AcledEventType::Riots => "Riots",
            AcledEventType::StrategicDevelopments => "Strategic developments",
        }
    }
}

macro_rules! sub_event_types {
    ($($variant:ident => $name:literal, $parent:ident;)*) => {
        /// ACLED's sub-event types, serialised exactly as ACLED writes them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum AcledSubEventType {
            $(
                #[doc = concat!("ACLED's \"", $name, "\", of [`AcledEventType::", stringify!($parent), "`].")]
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl AcledSubEventType {
            /// Every sub-event type, in the codebook's order.
            pub const ALL: &'static [AcledSubEventType] = &[$(AcledSubEventType::$variant,)*];

            /// The name exactly as ACLED spells it (`"Shelling/artillery/missile attack"`), the same string as
            /// serialised.
            pub fn as_str(self) -> &'static str {
                match self { $(AcledSubEventType::$variant => $name,)* }
            }

            /// The event type it belongs to.
            pub fn event_type(self) -> AcledEventType {
                match self { $(AcledSubEventType::$variant => AcledEventType::$parent,)* }
            }
        }
    };
}

sub_event_types! {
    ArmedClash => "Armed clash", Battles;
    GovernmentRegainsTerritory => "Government regains territory", Battles;
    NonStateActorOvertakesTerritory => "Non-state actor overtakes territory", Battles;
    AirDroneStrike => "Air/drone strike", ExplosionsRemoteViolence;
    ShellingArtilleryMissileAttack => "Shelling/artillery/missile attack", ExplosionsRemoteViolence;
    RemoteExplosiveLandmineIed => "Remote explosive/landmine/IED", ExplosionsRemoteViolence;
    SuicideBomb => "Suicide bomb", ExplosionsRemoteViolence;
    Grenade => "Grenade", ExplosionsRemoteViolence;
    ChemicalWeapon => "Chemical weapon", ExplosionsRemoteViolence;
    Attack => "Attack", ViolenceAgainstCivilians;
    AbductionForcedDisappearance => "Abduction/forced disappearance", ViolenceAgainstCivilians;
    SexualViolence => "Sexual violence", ViolenceAgainstCivilians;
    PeacefulProtest => "Peaceful protest", Protests;
    ProtestWithIntervention => "Protest with intervention", Protests;
    ExcessiveForceAgainstProtesters => "Excessive force against protesters", Protests;
    ViolentDemonstration => "Violent demonstration", Riots;
    MobViolence => "Mob violence", Riots;
    Agreement => "Agreement", StrategicDevelopments;
    Arrests => "Arrests", StrategicDevelopments;
    ChangeToGroupActivity => "Change to group/activity", StrategicDevelopments;
    DisruptedWeaponsUse => "Disrupted weapons use", StrategicDevelopments;
    HeadquartersOrBaseEstablished => "Headquarters or base established", StrategicDevelopments;
    LootingPropertyDestruction => "Looting/property destruction", StrategicDevelopments;
    NonViolentTransferOfTerritory => "Non-violent transfer of territory", StrategicDevelopments;
    Other => "Other", StrategicDevelopments;
}

/// Every event's class: ACLED's six event types, then five kinds of news
/// event ACLED does not code. Written in snake case (`battles`,
/// `explosions_remote_violence`, `natural_disaster`). The six ACLED classes
/// always agree with `acled_event_type`; the other five have no ACLED type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventClass {
    /// ACLED's "Battles" ([`AcledEventType::Battles`]).
    Battles,
    /// ACLED's "Explosions/Remote violence".
    ExplosionsRemoteViolence,
    /// ACLED's "Violence against civilians".
    ViolenceAgainstCivilians,
    /// ACLED's "Protests".
    Protests,
    /// ACLED's "Riots".
    Riots,
    /// ACLED's "Strategic developments".
    StrategicDevelopments,
    /// Earthquakes, floods, storms, wildfires, landslides, droughts, epidemics.
    NaturalDisaster,
    /// Industrial and transport accidents: explosions at plants, fires,
    /// crashes, collapses, spills.
    ManMadeDisaster,
    /// Meetings, calls, visits, talks, summits between governments.
    Diplomacy,
    /// Drug trafficking, smuggling, cartel and gang crime without a political target.
    OrganizedCrime,
    /// A claim, warning, condemnation or attribution: something said, not done.
    Statement,
}

impl EventClass {
    /// Every class, in the order above (legends list them so).
    pub const ALL: &'static [EventClass] = &[
        EventClass::Battles,
        EventClass::ExplosionsRemoteViolence,
        EventClass::ViolenceAgainstCivilians,
        EventClass::Protests,
        EventClass::Riots,
        EventClass::StrategicDevelopments,
        EventClass::NaturalDisaster,
        EventClass::ManMadeDisaster,
        EventClass::Diplomacy,
        EventClass::OrganizedCrime,
        EventClass::Statement,
    ];

    /// The snake-case name, the same string as serialised (`explosions_remote_violence`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventClass::Battles => "battles",
            EventClass::ExplosionsRemoteViolence => "explosions_remote_violence",
            EventClass::ViolenceAgainstCivilians => "violence_against_civilians",
            EventClass::Protests => "protests",
            EventClass::Riots => "riots",
            EventClass::StrategicDevelopments => "strategic_developments",
            EventClass::NaturalDisaster => "natural_disaster",
            EventClass::ManMadeDisaster => "man_made_disaster",
            EventClass::Diplomacy => "diplomacy",
            EventClass::OrganizedCrime => "organized_crime",
            EventClass::Statement => "statement",
        }
    }

    /// The class of an ACLED event type.
    pub fn of_acled(t: AcledEventType) -> EventClass {
        match t {
            AcledEventType::Battles => EventClass::Battles,
            AcledEventType::ExplosionsRemoteViolence => EventClass::ExplosionsRemoteViolence,
            AcledEventType::ViolenceAgainstCivilians => EventClass::ViolenceAgainstCivilians,
            AcledEventType::Protests => EventClass::Protests,
            AcledEventType::Riots => EventClass::Riots,
            AcledEventType::StrategicDevelopments => EventClass::StrategicDevelopments,
        }
    }

    /// The fixed map colour of the class (`#rrggbb`), the same in the QML
    /// styles and the web page. Chosen to be told apart on a light base map:
    /// violence in reds and oranges, protest in blues, the rest distinct hues.
    pub fn colour(self) -> &'static str {
        match self {
            EventClass::Battles => "#d62728",
            EventClass::ExplosionsRemoteViolence => "#ff7f0e",
            EventClass::ViolenceAgainstCivilians => "#8c1c13",
            EventClass::Protests => "#1f77b4",
            EventClass::Riots => "#9467bd",
            EventClass::StrategicDevelopments => "#7f7f7f",
            EventClass::NaturalDisaster => "#2ca02c",
            EventClass::ManMadeDisaster => "#8c564b",
            EventClass::Diplomacy => "#17becf",
            EventClass::OrganizedCrime => "#e377c2",
            EventClass::Statement => "#bcbd22",
        }
    }

    /// The label a legend shows.
    pub fn label(self) -> &'static str {
        match self {
            EventClass::Battles => "Battles",
            EventClass::ExplosionsRemoteViolence => "Explosions/Remote violence",
            EventClass::ViolenceAgainstCivilians => "Violence against civilians",
            EventClass::Protests => "Protests",
            EventClass::Riots => "Riots",
            EventClass::StrategicDevelopments => "Strategic developments",
            EventClass::NaturalDisaster => "Natural disaster",
            EventClass::ManMadeDisaster => "Man-made disaster",
            EventClass::Diplomacy => "Diplomacy",
            EventClass::OrganizedCrime => "Organized crime",
            EventClass::Statement => "Statement",
        }
    }
}

impl std::fmt::Display for EventClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an event is: its class, and for the ACLED classes the ACLED types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventKind {
    /// The class; for an ACLED class it is the event type of `sub_event_type`.
    pub class: EventClass,
    /// ACLED's sub-event type; `None` for the news classes.
    pub sub_event_type: Option<AcledSubEventType>,
}

impl EventKind {
    /// The kind of an ACLED sub-event type, with its event type's class.
    pub fn acled(sub: AcledSubEventType) -> EventKind {
        EventKind { class: EventClass::of_acled(sub.event_type()), sub_event_type: Some(sub) }
    }

    /// A kind without an ACLED sub-event type; meant for the five news classes.
    pub fn other(class: EventClass) -> EventKind {
        EventKind { class, sub_event_type: None }
    }

    /// The ACLED event type of the sub-event type; `None` for the news classes.
    pub fn acled_event_type(self) -> Option<AcledEventType> {
        self.sub_event_type.map(AcledSubEventType::event_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_as_acled() {
        assert_eq!(AcledSubEventType::ALL.len(), 25);
        let json = serde_json::to_string(&AcledSubEventType::ShellingArtilleryMissileAttack).unwrap();
        assert_eq!(json, "\"Shelling/artillery/missile attack\"");
        assert_eq!(
            serde_json::to_string(&AcledEventType::ExplosionsRemoteViolence).unwrap(),
            "\"Explosions/Remote violence\""
        );
        for s in AcledSubEventType::ALL {
            let back: AcledSubEventType = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
            assert_eq!(back, *s);
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        let parents: std::collections::BTreeSet<_> =
            AcledSubEventType::ALL.iter().map(|s| s.event_type().as_str()).collect();
        assert_eq!(parents.len(), 6);
    }

    #[test]
    fn classes_and_colours() {
        assert_eq!(serde_json::to_string(&EventClass::NaturalDisaster).unwrap(), "\"natural_disaster\"");
        let colours: std::collections::BTreeSet<_> = EventClass::ALL.iter().map(|c| c.colour()).collect();
        assert_eq!(colours.len(), EventClass::ALL.len(), "one distinct colour a class");
        let k = EventKind::acled(AcledSubEventType::NonStateActorOvertakesTerritory);
        assert_eq!(k.class, EventClass::Battles);
        assert_eq!(k.acled_event_type(), Some(AcledEventType::Battles));
        assert_eq!(EventKind::other(EventClass::Diplomacy).acled_event_type(), None);
    }
}
