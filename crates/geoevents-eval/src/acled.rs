//! ACLED records (`../shared/eval/acled_2020_dev.csv`, protocol in that
//! directory's README, "ACLED records").
//!
//! Each row's `notes` is a document published on its `event_date`; of the
//! events drawn for it, the most confident is the row's event. It is right
//! within 25 km (acc@25) or 161 km (acc@161) of ACLED's `latitude` /
//! `longitude` (great-circle distance, [`distance_km`]); its ACLED event type,
//! sub-event type and fatalities are compared with ACLED's. A row with no
//! drawn event is wrong on every figure.
//!
//! Fatalities: ACLED codes 0 both when nobody died and when the report says
//! nothing, so an event's null `fatalities` ("the text says nothing") counts
//! as 0 here.
//!
//! The CSV is read with the `csv` crate (quoted notes span commas and
//! newlines). `event_date` is ACLED's export form `9-May-20` (day, English
//! month abbreviation, two-digit year: 20xx) or ISO `2020-05-09`.

use chrono::NaiveDate;
use geoevents_core::gazetteer::spatial::distance_km;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One ACLED record, the fields the protocol uses.
#[derive(Debug, Clone, PartialEq)]
pub struct AcledRow {
    /// ACLED's `data_id` (or the 1-based record number when absent).
    pub id: String,
    pub notes: String,
    pub event_date: NaiveDate,
    pub event_type: String,
    pub sub_event_type: String,
    pub lat: f64,
    pub lon: f64,
    pub fatalities: u32,
    /// 1 town, 2 near a town or a district, 3 province; None when blank.
    pub geo_precision: Option<u8>,
    pub country: String,
    /// ACLED's `source` (the outlets the report comes from; blank when absent).
    pub source: String,
}

#[derive(Debug, Deserialize)]
struct RawRow {
    #[serde(default)]
    data_id: String,
    notes: String,
    event_date: String,
    event_type: String,
    sub_event_type: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    fatalities: Option<u32>,
    #[serde(default)]
    geo_precision: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    source: String,
}

/// A file that cannot be read: `path:record N: message`.
#[derive(Debug, thiserror::Error)]
pub enum AcledError {
    #[error("{}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{}: record {record}: {message}", path.display())]
    BadRecord { path: PathBuf, record: u64, message: String },
}

/// Parses ACLED's `9-May-20` or ISO `2020-05-09`.
pub fn parse_event_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        // chrono's %y maps 00-68 to 20xx: right for ACLED (data from 1997 on is
        // written with four digits in other exports).
        NaiveDate::parse_from_str(s, "%d-%b-%y").ok()
    })
}

/// Reads a whole ACLED CSV export. A record without coordinates, fatalities
/// or notes (a truncated last line) is not a row to score: it is counted in
/// the second value and left out.
pub fn read_acled(path: &Path) -> Result<(Vec<AcledRow>, usize), AcledError> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|source| AcledError::Csv { path: path.to_path_buf(), source })?;
    let mut rows = Vec::new();
    let mut incomplete = 0;
    for (n, rec) in reader.deserialize::<RawRow>().enumerate() {
        let record = n as u64 + 1;
        let raw = rec.map_err(|source| AcledError::Csv { path: path.to_path_buf(), source })?;
        let bad = |message: String| AcledError::BadRecord { path: path.to_path_buf(), record, message };
        let (Some(lat), Some(lon), Some(fatalities)) = (raw.latitude, raw.longitude, raw.fatalities) else {
            incomplete += 1;
            continue;
        };
        if raw.notes.trim().is_empty() {
            incomplete += 1;
            continue;
        }
        let event_date =
            parse_event_date(&raw.event_date).ok_or_else(|| bad(format!("event_date {:?}", raw.event_date)))?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(bad(format!("coordinates {lat} {lon} off the globe")));
        }
        rows.push(AcledRow {
            id: if raw.data_id.is_empty() { record.to_string() } else { raw.data_id },
            notes: raw.notes,
            event_date,
            event_type: raw.event_type,
            sub_event_type: raw.sub_event_type,
            lat,
            lon,
            fatalities,
            geo_precision: raw.geo_precision.trim().parse().ok(),
            country: raw.country,
            source: raw.source,
        });
    }
    Ok((rows, incomplete))
}

/// The row's event as the system reports it (the most confident drawn one).
#[derive(Debug, Clone, PartialEq)]
pub struct AcledPrediction {
    pub lat: f64,
    pub lon: f64,
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    /// Null when the text says nothing (compared as 0, see the module doc).
    pub fatalities: Option<u32>,
}

/// How one row went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowOutcome {
    pub id: String,
    pub km: Option<f64>,
    pub event_type_ok: bool,
    pub sub_event_type_ok: bool,
    pub fatalities_ok: bool,
    pub drawn: usize,
}

/// The figures over a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AcledScores {
    pub rows: usize,
    pub rows_with_drawn_event: usize,
    pub acc25: f64,
    pub acc161: f64,
    pub drawn_events_per_row: f64,
    pub event_type_accuracy: f64,
    pub sub_event_type_accuracy: f64,
    pub fatalities_exact: f64,
}

/// Sums row outcomes.
#[derive(Debug, Clone, Default)]
pub struct AcledAccumulator {
    rows: usize,
    with_event: usize,
    within25: usize,
    within161: usize,
    drawn: usize,
    type_ok: usize,
    sub_ok: usize,
    fatal_ok: usize,
}

/// acc@25's radius, km.
pub const NEAR_KM: f64 = 25.0;
/// acc@161's radius, km (100 miles).
pub const FAR_KM: f64 = 161.0;

impl AcledAccumulator {
    /// Adds a row: `best` is its most confident drawn event, `drawn` how many
    /// events were drawn for it.
    pub fn add(&mut self, row: &AcledRow, best: Option<&AcledPrediction>, drawn: usize) -> RowOutcome {
        self.rows += 1;
        self.drawn += drawn;
        let Some(p) = best else {
            return RowOutcome {
                id: row.id.clone(),
                km: None,
                event_type_ok: false,
                sub_event_type_ok: false,
                fatalities_ok: false,
                drawn,
            };
        };
        self.with_event += 1;
        let km = distance_km(p.lat, p.lon, row.lat, row.lon);
        self.within25 += usize::from(km < NEAR_KM);
        self.within161 += usize::from(km < FAR_KM);
        let event_type_ok = p.event_type.as_deref() == Some(row.event_type.as_str());
        let sub_event_type_ok = p.sub_event_type.as_deref() == Some(row.sub_event_type.as_str());
        let fatalities_ok = p.fatalities.unwrap_or(0) == row.fatalities;
        self.type_ok += usize::from(event_type_ok);
        self.sub_ok += usize::from(sub_event_type_ok);
        self.fatal_ok += usize::from(fatalities_ok);
        RowOutcome { id: row.id.clone(), km: Some(km), event_type_ok, sub_event_type_ok, fatalities_ok, drawn }
    }

    pub fn finish(&self) -> AcledScores {
        let share =
            |n: usize| if self.rows == 0 { 0.0 } else { (n as f64 / self.rows as f64 * 1000.0).round() / 1000.0 };
        AcledScores {
            rows: self.rows,
            rows_with_drawn_event: self.with_event,
            acc25: share(self.within25),
            acc161: share(self.within161),
            drawn_events_per_row: if self.rows == 0 {
                0.0
            } else {
                (self.drawn as f64 / self.rows as f64 * 100.0).round() / 100.0
            },
            event_type_accuracy: share(self.type_ok),
            sub_event_type_accuracy: share(self.sub_ok),
            fatalities_exact: share(self.fatal_ok),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AcledRow {
        AcledRow {
            id: "1".into(),
            notes: "Protesters gathered in Haifa.".into(),
            event_date: NaiveDate::from_ymd_opt(2020, 5, 9).unwrap(),
            event_type: "Protests".into(),
            sub_event_type: "Peaceful protest".into(),
            lat: 32.8184,
            lon: 34.9885,
            fatalities: 0,
            geo_precision: Some(1),
            country: "Israel".into(),
            source: String::new(),
        }
    }

    #[test]
    fn event_dates() {
        assert_eq!(parse_event_date("9-May-20"), NaiveDate::from_ymd_opt(2020, 5, 9));
        assert_eq!(parse_event_date("27-Apr-20"), NaiveDate::from_ymd_opt(2020, 4, 27));
        assert_eq!(parse_event_date("2020-05-09"), NaiveDate::from_ymd_opt(2020, 5, 9));
        assert_eq!(parse_event_date("31-Feb-20"), None);
    }

    #[test]
    fn scoring_a_row() {
        let mut acc = AcledAccumulator::default();
        let near = AcledPrediction {
            lat: 32.79,
            lon: 34.99,
            event_type: Some("Protests".into()),
            sub_event_type: Some("Peaceful protest".into()),
            fatalities: None,
        };
        let o = acc.add(&row(), Some(&near), 2);
        assert!(o.km.unwrap() < 5.0 && o.event_type_ok && o.sub_event_type_ok && o.fatalities_ok);
        // Tel Aviv is about 80 km away: within 161, not 25; wrong sub-type.
        let far = AcledPrediction { lat: 32.08, lon: 34.78, sub_event_type: Some("Mob violence".into()), ..near };
        acc.add(&row(), Some(&far), 1);
        acc.add(&row(), None, 0);
        let s = acc.finish();
        assert_eq!((s.rows, s.rows_with_drawn_event), (3, 2));
        assert_eq!((s.acc25, s.acc161, s.drawn_events_per_row), (0.333, 0.667, 1.0));
        assert_eq!((s.event_type_accuracy, s.sub_event_type_accuracy, s.fatalities_exact), (0.667, 0.333, 0.667));
    }

    #[test]
    fn reads_quoted_multiline_notes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(
            &path,
            "data_id,event_date,event_type,sub_event_type,latitude,longitude,fatalities,geo_precision,notes\n\
             7,9-May-20,Protests,Peaceful protest,32.8,34.9,0,1,\"On 9 May, a protest, then\nmore.\"\n",
        )
        .unwrap();
        let (rows, incomplete) = read_acled(&path).unwrap();
        assert_eq!((rows.len(), incomplete), (1, 0));
        assert_eq!(rows[0].notes, "On 9 May, a protest, then\nmore.");
        assert_eq!(rows[0].geo_precision, Some(1));
        std::fs::write(
            &path,
            "data_id,event_date,event_type,sub_event_type,latitude,longitude,fatalities,notes\n1,someday,P,P,1,1,0,x\n",
        )
        .unwrap();
        let e = read_acled(&path).unwrap_err().to_string();
        assert!(e.contains("record 1") && e.contains("someday"), "{e}");
    }
}
