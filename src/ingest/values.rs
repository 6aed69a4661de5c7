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
    let days = match usize::try_from(y - MONTH_START_Y0) {
        Ok(i) if i < MONTH_START_YEARS => i64::from(MONTH_START[i * 12 + mo as usize - 1]) + d - 1,
        _ => days_from_civil(y, mo, d),
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

/// First year of [`MONTH_START`].
const MONTH_START_Y0: i64 = 1970;
/// Years in [`MONTH_START`].
const MONTH_START_YEARS: usize = 130;
/// `days_from_civil(y, m, 1)` for every month of 1970..2100, computed at compile time: the
/// fast path's timestamps then cost a table read instead of the era arithmetic (~1 % of a
/// 10M-row load's samples).
const MONTH_START: [i32; MONTH_START_YEARS * 12] = {
    let mut t = [0i32; MONTH_START_YEARS * 12];
    let mut i = 0;
    while i < t.len() {
        t[i] = days_from_civil(MONTH_START_Y0 + (i / 12) as i64, (i % 12) as i64 + 1, 1) as i32;
        i += 1;
    }
    t
};

#[inline]
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
#[inline]
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
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
    if let Some(x) = short_decimal(s.as_bytes()) {
        return Ok(x);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(NumErr::NotFinite),
        Err(_) => Err(NumErr::NotNumber),
    }
}

/// `[-]digits[.digits]` with at most 15 digits in all (e.g. a sentiment `0.50`), else None.
/// The digits as an integer and the power of ten are both exact in an f64 (below 2^53 and
/// 10^22), so one division gives the correctly rounded value: the same bits as
/// `str::parse::<f64>` (whose own fast path is this division), without its general
/// tokenizer (~1 % of a 10M-row load's samples).
fn short_decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &b[b.len()..]),
    };
    let dot = int.len() < b.len();
    if int.is_empty() || (dot && frac.is_empty()) || int.len() + frac.len() > 15 {
        return None;
    }
    let mut m = 0u64;
    for &c in int.iter().chain(frac) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        m = m * 10 + u64::from(d);
    }
    let x = m as f64 / POW10[frac.len()];
    Some(if neg { -x } else { x })
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

    #[test]
    fn month_table_matches_days_from_civil() {
        for y in 1960..2110 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    let s = format!("{y:04}-{m:02}-{d:02}T23:59:60Z");
                    let want = days_from_civil(y, m, d) * 86_400 + 23 * 3600 + 59 * 60 + 60;
                    assert_eq!(fast_rfc3339_utc(s.as_bytes()), Some(want), "{s}");
                }
            }
        }
    }

    #[test]
    fn short_decimals_parse_exactly_like_std() {
        let std = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.00",
            "1",
            "0.50",
            "-1.00",
            "007.5",
            "1.",
            ".5",
            "-",
            "",
            "+1",
            "1e3",
            "1.5e-3",
            "inf",
            "NaN",
            "1.2.3",
            "--1",
            "0x10",
            " 1",
            "1 ",
            "1_0",
            "999999999999999",
            "9999999999999999",
            "0.000000000000001",
            "0.1234567890123456",
            "123456789012345.",
            "-123456789.012345",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every split of a few digit strings into integer and fraction, both signs.
        let mut z = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            z = crate::algo::rng::mix64(z);
            let digits = (z % 17) as usize + 1;
            let num = format!(
                "{:0width$}",
                (z >> 8) % 10u64.pow(digits.min(19) as u32),
                width = digits
            );
            let dot = (z >> 40) as usize % (digits + 1);
            let mut s = String::new();
            if z & (1 << 63) != 0 {
                s.push('-');
            }
            s.push_str(&num[..dot]);
            if dot < digits {
                s.push('.');
            }
            s.push_str(&num[dot..]);
            cases.push(s);
        }
        for s in &cases {
            assert_eq!(
                parse_finite(s).ok().map(f64::to_bits),
                std(s).map(f64::to_bits),
                "{s:?}"
            );
        }
    }
}
