//! RFC 5260 date parts of a date header or the current time, in a zone.
//!
//! Not here: matching the parts (matching.rs).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike};
use mail_parser::HeaderValue;
use mail_parser::parsers::MessageStream;

/// "+hhmm" / "-hhmm" to an offset (RFC 5260 §4.1).
pub(crate) fn parse_zone(z: &str) -> Option<FixedOffset> {
    let b = z.as_bytes();
    if b.len() != 5 || !(b[0] == b'+' || b[0] == b'-') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let h: i32 = z[1..3].parse().ok()?;
    let m: i32 = z[3..5].parse().ok()?;
    if m > 59 {
        return None;
    }
    let secs = (h * 60 + m) * 60;
    if b[0] == b'-' {
        FixedOffset::west_opt(secs)
    } else {
        FixedOffset::east_opt(secs)
    }
}

/// A header's RFC 5322 date with the zone it was written in.
pub(crate) fn parse_header_date(v: &str) -> Option<DateTime<FixedOffset>> {
    let mut data = v.trim().as_bytes().to_vec();
    data.extend_from_slice(b"\r\n");
    let HeaderValue::DateTime(d) = MessageStream::new(&data).parse_date() else {
        return None;
    };
    let off = (i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute)) * 60;
    let tz = if d.tz_before_gmt {
        FixedOffset::west_opt(off)?
    } else {
        FixedOffset::east_opt(off)?
    };
    let naive = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?
        .and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    tz.from_local_datetime(&naive).single()
}

fn zone_string(o: &FixedOffset) -> String {
    let s = o.local_minus_utc();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.abs() / 60;
    format!("{sign}{:02}{:02}", a / 60, a % 60)
}

/// RFC 5260 §4.2 date-part of `d`; `None` for an unknown part.
pub(crate) fn part(d: &DateTime<FixedOffset>, part: &str) -> Option<String> {
    Some(match part {
        "year" => format!("{:04}", d.year()),
        "month" => format!("{:02}", d.month()),
        "day" => format!("{:02}", d.day()),
        "date" => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        "julian" => {
            // Modified Julian Day: days since 1858-11-17.
            let epoch = NaiveDate::from_ymd_opt(1858, 11, 17)?;
            (d.date_naive() - epoch).num_days().to_string()
        }
        "hour" => format!("{:02}", d.hour()),
        "minute" => format!("{:02}", d.minute()),
        "second" => format!("{:02}", d.second()),
        "time" => format!("{:02}:{:02}:{:02}", d.hour(), d.minute(), d.second()),
        "iso8601" => d.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "std11" => d.format("%a, %d %b %Y %H:%M:%S ").to_string() + &zone_string(d.offset()),
        "zone" => zone_string(d.offset()),
        "weekday" => d.weekday().num_days_from_sunday().to_string(),
        _ => return None,
    })
}
