//! Parsers for single values (timestamps, numbers) with messages in the
//! `what (got "…", expected …)` form used by every reject.

/// Parse a timestamp: unix seconds (integer, or a decimal that is truncated toward −∞), RFC 3339
/// (`2024-03-01T12:00:00Z`, offsets, fractional seconds) or a date `YYYY-MM-DD` (midnight UTC).
pub fn parse_ts(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if let Some(t) = fast_rfc3339_utc(b) {
        return Some(t);
    }
    if let Ok(x) = s.parse::<i64>() {
        return Some(x);
    }
    if b.first()
        .is_some_and(|c| c.is_ascii_digit() || *c == b'-' || *c == b'+')
        && !s.contains(['T', 't', ' '])
        && s.matches('-').count() <= 1
    {
        if let Ok(x) = s.parse::<f64>() {
            if x.is_finite() && x.abs() < 1e15 {
                return Some(x.floor() as i64);
            }
            return None;
        }
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(d.timestamp());
    }
    if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Some(d.and_utc().timestamp());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp())
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly (what most exports and our generator write), parsed without
/// chrono; anything else falls back to the general parser.
fn fast_rfc3339_utc(b: &[u8]) -> Option<i64> {
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' || !(b[19] == b'Z' || b[19] == b'z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut x = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            x = x * 10 + i64::from(c - b'0');
        }
        Some(x)
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Format unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_ts(t: i64) -> String {
    match chrono::DateTime::from_timestamp(t, 0) {
        Some(d) => d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => t.to_string(),
    }
}

/// Message for a bad timestamp.
pub fn bad_ts(what: &str, got: &str) -> String {
    format!(
        "bad {what} (got {got:?}, expected RFC 3339 like 2024-03-01T12:00:00Z, YYYY-MM-DD or unix seconds)"
    )
}

/// Why a number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumErr {
    /// Not a number at all.
    NotNumber,
    /// NaN or ±infinity.
    NotFinite,
}

/// Parse a finite f64.
pub fn parse_finite(s: &str) -> Result<f64, NumErr> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(NumErr::NotFinite),
        Err(_) => Err(NumErr::NotNumber),
    }
}

/// Message for a bad number `what` (got `got`), with the expectation text.
pub fn bad_num(what: &str, got: &str, err: NumErr, expected: &str) -> String {
    match err {
        NumErr::NotNumber => format!("bad {what} (got {got:?}, expected {expected})"),
        NumErr::NotFinite => {
            format!("{what} is not finite (got {got:?}, expected {expected})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_ts("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_ts("2024-03-01T12:00:00Z"), Some(1_709_294_400));
        assert_eq!(parse_ts("2024-03-01T13:00:00+01:00"), Some(1_709_294_400));
        assert_eq!(parse_ts("2024-03-01"), Some(1_709_251_200));
        assert_eq!(parse_ts("1709294400"), Some(1_709_294_400));
        assert_eq!(parse_ts("1709294400.9"), Some(1_709_294_400));
        assert_eq!(parse_ts("2024-02-30T00:00:00Z"), None);
        assert_eq!(parse_ts("yesterday"), None);
        assert_eq!(parse_ts("NaN"), None);
        for t in [0i64, 951_782_400, 1_709_294_400, 4_102_444_800] {
            assert_eq!(parse_ts(&format_ts(t)), Some(t));
        }
    }
}
