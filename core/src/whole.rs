//! Whole numbers as JSON Schema counts them: `3445` and `3445.0` are both the integer 3445
//! (JSON Schema 2020-12 §6.1.1 — a number with a zero fractional part is an integer), so a
//! client or generator that writes `3445.0` for an `integer` field is understood, not refused.

use serde::{Deserialize, Deserializer};

/// Reads a non-negative whole number written as an integer or as a float with no fraction.
pub fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(u64),
        Float(f64),
    }
    match Number::deserialize(deserializer)? {
        Number::Int(n) => Ok(n),
        Number::Float(f) if f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&f) => {
            Ok(f as u64)
        }
        Number::Float(f) => Err(serde::de::Error::custom(format!(
            "{f} is not a whole number of at least 0"
        ))),
    }
}

/// Reads a whole number (of either sign) written as an integer or as a float with no fraction.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
    }
    match Number::deserialize(deserializer)? {
        Number::Int(n) => Ok(n),
        Number::Float(f) if f.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(&f) => {
            Ok(f as i64)
        }
        Number::Float(f) => Err(serde::de::Error::custom(format!(
            "{f} is not a whole number"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Sized {
        #[serde(deserialize_with = "super::u64")]
        size: u64,
    }

    #[test]
    fn a_whole_float_is_the_integer_and_anything_else_is_refused() {
        let read = |json: &str| serde_json::from_str::<Sized>(json).map(|s| s.size);
        assert_eq!(read(r#"{"size": 3445}"#).unwrap(), 3445);
        assert_eq!(read(r#"{"size": 3445.0}"#).unwrap(), 3445);
        for bad in [
            r#"{"size": 1.5}"#,
            r#"{"size": -1}"#,
            r#"{"size": "3"}"#,
            r#"{"size": 1e300}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[derive(serde::Deserialize)]
    struct Moment {
        #[serde(deserialize_with = "super::i64")]
        at: i64,
    }

    #[test]
    fn a_signed_whole_float_is_the_integer_and_a_fraction_is_refused() {
        let read = |json: &str| serde_json::from_str::<Moment>(json).map(|m| m.at);
        assert_eq!(read(r#"{"at": 477.0}"#).unwrap(), 477);
        assert_eq!(read(r#"{"at": -10109191}"#).unwrap(), -10109191);
        for bad in [r#"{"at": 0.5}"#, r#"{"at": "3"}"#, r#"{"at": -1e300}"#] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
