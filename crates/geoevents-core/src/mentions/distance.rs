//! Distances the text gives between a place and a named one: "44 km from
//! Shimla", "7 miles (11 km) southwest of Fredericksburg", "about 20
//! kilometres north-east of Mosul". A place the gazetteer lacks can then be
//! put near the named one.

/// Kilometres in one unit, for the units news and gazetteers write.
fn unit_km(word: &str) -> Option<f64> {
    Some(match word {
        "km" | "kms" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => 1.0,
        "mi" | "mile" | "miles" => 1.609_344,
        "m" | "metre" | "metres" | "meter" | "meters" => 0.001,
        _ => return None,
    })
}

fn is_direction(word: &str) -> bool {
    let w = word.strip_suffix("ward").or_else(|| word.strip_suffix("erly")).unwrap_or(word);
    matches!(
        w,
        "north"
            | "south"
            | "east"
            | "west"
            | "northeast"
            | "northwest"
            | "southeast"
            | "southwest"
            | "nne"
            | "ene"
            | "ese"
            | "sse"
            | "ssw"
            | "wsw"
            | "wnw"
            | "nnw"
            | "n"
            | "s"
            | "e"
            | "w"
            | "ne"
            | "nw"
            | "se"
            | "sw"
    )
}

/// Words allowed around the number: "about 20 km", "some 5 miles", "20 km by road".
fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "about"
            | "approximately"
            | "around"
            | "roughly"
            | "some"
            | "nearly"
            | "almost"
            | "just"
            | "only"
            | "over"
            | "under"
            | "by"
            | "road"
            | "located"
            | "situated"
            | "lies"
            | "is"
            | "the"
            | "and"
            | "or"
            | "to"
    )
}

/// The distance, in km, that `gap` (the text between a name or statement
/// and the next name) gives to that name: it must read like "[about] N
/// unit [(N unit)] [direction] of|from". The first distance is taken.
pub fn distance_km(gap: &str) -> Option<f64> {
    if gap.len() > 80 || gap.contains([';', ':']) {
        return None;
    }
    let words: Vec<String> = gap
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| !w.is_empty() && *w != ".")
        .map(str::to_lowercase)
        .collect();
    let last = words.last()?;
    if !matches!(last.as_str(), "of" | "from") {
        return None;
    }
    let mut km = None;
    for pair in words.windows(2) {
        if let (Ok(n), Some(unit)) = (pair[0].replace(',', "").parse::<f64>(), unit_km(&pair[1])) {
            km.get_or_insert(n * unit);
        }
    }
    let km = km?;
    // Every other word must be a number, a unit, a direction or a filler.
    let plain = words.iter().all(|w| {
        w.parse::<f64>().is_ok()
            || unit_km(w).is_some()
            || is_direction(w)
            || is_filler(w)
            || matches!(w.as_str(), "of" | "from")
            || w.split('-').all(is_direction)
    });
    (plain && km.is_finite() && km >= 0.0).then_some(km)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_before_a_name() {
        assert_eq!(distance_km(" 44 km from "), Some(44.0));
        let d = distance_km(", 7 miles (11 km) southwest of ").unwrap_or(0.0);
        assert!((d - 11.27).abs() < 0.01, "{d}");
        assert_eq!(distance_km(" about 20 kilometres north-east of "), Some(20.0));
        assert_eq!(distance_km(" 3 km north of the city of "), None, "a word that is not about distance");
        assert_eq!(distance_km(" in 1875 when the "), None);
        assert_eq!(distance_km(" 20 km north of "), Some(20.0));
        assert_eq!(distance_km(" north of "), None, "no number");
    }
}
