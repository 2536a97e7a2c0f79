//! Keys decided from metadata, dates, and the boolean structure.

use super::*;
use crate::imap::command::{SearchKey as K, SeqNum, SequenceSet};
use crate::imap::search::Needs;

fn set(ranges: &[(SeqNum, SeqNum)]) -> SequenceSet {
    SequenceSet {
        ranges: ranges.to_vec(),
        saved: false,
    }
}

fn v(n: u32) -> SeqNum {
    SeqNum::Value(n)
}

fn five() -> Vec<Msg> {
    vec![
        Msg::new(PLAIN).flags("S", ""),
        Msg::new(PLAIN).flags("FR", "Work"),
        Msg::new(PLAIN).flags("TS", "$Junk"),
        Msg::new(PLAIN).flags("D", ""),
        Msg::new(PLAIN).flags("P", ""),
    ]
}

#[test]
fn system_flags_and_their_negations() {
    let m = five();
    assert_eq!(run(&K::Seen, &m), [1, 3]);
    assert_eq!(run(&K::Unseen, &m), [2, 4, 5]);
    assert_eq!(run(&K::Answered, &m), [2]);
    assert_eq!(run(&K::Unanswered, &m), [1, 3, 4, 5]);
    assert_eq!(run(&K::Flagged, &m), [2]);
    assert_eq!(run(&K::Unflagged, &m), [1, 3, 4, 5]);
    assert_eq!(run(&K::Deleted, &m), [3]);
    assert_eq!(run(&K::Undeleted, &m), [1, 2, 4, 5]);
    assert_eq!(run(&K::Draft, &m), [4]);
    assert_eq!(run(&K::Undraft, &m), [1, 2, 3, 5]);
    assert_eq!(run(&K::All, &m), [1, 2, 3, 4, 5]);
}

#[test]
fn keywords_match_case_insensitively_and_forwarded_is_the_p_letter() {
    let m = five();
    assert_eq!(run(&K::Keyword("work".into()), &m), [2]);
    assert_eq!(run(&K::Keyword("$JUNK".into()), &m), [3]);
    assert_eq!(run(&K::Keyword("$Forwarded".into()), &m), [5]);
    assert_eq!(run(&K::Unkeyword("Work".into()), &m), [1, 3, 4, 5]);
    assert_eq!(run(&K::Keyword("Absent".into()), &m), Vec::<u32>::new());
}

#[test]
fn new_is_recent_and_unseen_old_is_not_recent() {
    let mut m = five();
    m[0].recent = true; // seen
    m[1].recent = true; // unseen
    assert_eq!(run(&K::Recent, &m), [1, 2]);
    assert_eq!(run(&K::New, &m), [2]);
    assert_eq!(run(&K::Old, &m), [3, 4, 5]);
}

#[test]
fn sequence_sets_resolve_star_against_the_mailbox() {
    let m = five();
    assert_eq!(run(&K::SequenceSet(set(&[(v(2), v(3))])), &m), [2, 3]);
    assert_eq!(
        run(&K::SequenceSet(set(&[(v(4), SeqNum::Star)])), &m),
        [4, 5]
    );
    assert_eq!(
        run(&K::SequenceSet(set(&[(SeqNum::Star, SeqNum::Star)])), &m),
        [5]
    );
    // Reversed and overlapping ranges are the same set.
    assert_eq!(
        run(
            &K::SequenceSet(set(&[(v(3), v(1)), (v(2), v(2)), (v(5), v(5))])),
            &m
        ),
        [1, 2, 3, 5]
    );
    assert_eq!(
        run(&K::SequenceSet(set(&[(v(9), v(4_000_000_000))])), &m),
        Vec::<u32>::new()
    );
}

#[test]
fn uid_sets_and_star_beyond_the_largest_uid() {
    let m = five();
    assert_eq!(run(&K::Uid(set(&[(v(20), v(35))])), &m), [2, 3]);
    // RFC 3501: `UID 60:*` with 50 the largest UID is `50:60`, so it holds message 5.
    assert_eq!(run(&K::Uid(set(&[(v(60), SeqNum::Star)])), &m), [5]);
    assert_eq!(run(&K::Uid(set(&[(v(11), v(19))])), &m), Vec::<u32>::new());
}

#[test]
fn saved_result_is_uids_in_either_set() {
    let m = five();
    let saved = SequenceSet {
        ranges: vec![],
        saved: true,
    };
    assert_eq!(
        run_in(&K::SequenceSet(saved.clone()), &m, &[20, 40], 0),
        [2, 4]
    );
    assert_eq!(run_in(&K::Uid(saved.clone()), &m, &[20, 40], 0), [2, 4]);
    assert_eq!(run_in(&K::Uid(saved), &m, &[], 0), Vec::<u32>::new());
}

#[test]
fn larger_and_smaller_are_strict() {
    let mut m = five();
    for (i, x) in m.iter_mut().enumerate() {
        x.size = 100 * (i as u64 + 1);
    }
    assert_eq!(run(&K::Larger(300), &m), [4, 5]);
    assert_eq!(run(&K::Smaller(300), &m), [1, 2]);
    assert_eq!(run(&K::Larger(u64::MAX), &m), Vec::<u32>::new());
}

#[test]
fn modseq_is_at_least_and_is_reported_when_used_anywhere() {
    let mut m = five();
    for (i, x) in m.iter_mut().enumerate() {
        x.modseq = 10 + i as u64;
    }
    assert_eq!(run(&K::ModSeq(12), &m), [3, 4, 5]);
    assert!(Query::new(&K::Not(b(K::ModSeq(3)))).uses_modseq());
    assert!(Query::new(&K::And(vec![K::Seen, K::Or(b(K::Draft), b(K::ModSeq(3)))])).uses_modseq());
    assert!(!Query::new(&K::Seen).uses_modseq());
}

#[test]
fn internal_date_days_are_taken_in_the_server_zone() {
    let mut m = vec![Msg::new(PLAIN), Msg::new(PLAIN), Msg::new(PLAIN)];
    m[0].date = ts(2024, 3, 10, 23, 30); // 11 March from UTC+1
    m[1].date = ts(2024, 3, 11, 0, 0); // the first second of 11 March UTC
    m[2].date = ts(2024, 3, 11, 23, 59) + 59;
    let on = K::On(day(2024, 3, 11));
    assert_eq!(run_in(&on, &m, &[], 0), [2, 3]);
    assert_eq!(run_in(&on, &m, &[], 3600), [1, 2]);
    assert_eq!(run_in(&on, &m, &[], -3600), [3]);
    assert_eq!(run_in(&K::Before(day(2024, 3, 11)), &m, &[], 0), [1]);
    assert_eq!(run_in(&K::Since(day(2024, 3, 11)), &m, &[], 0), [2, 3]);
    assert_eq!(
        run_in(&K::Since(day(2024, 3, 12)), &m, &[], 0),
        Vec::<u32>::new()
    );
}

#[test]
fn dates_before_the_epoch_and_at_the_extremes_do_not_overflow() {
    let mut m = vec![Msg::new(PLAIN), Msg::new(PLAIN), Msg::new(PLAIN)];
    m[0].date = -1; // 31 December 1969
    m[1].date = i64::MAX;
    m[2].date = i64::MIN;
    assert_eq!(run(&K::On(day(1969, 12, 31)), &m), [1]);
    assert_eq!(run(&K::Before(day(1970, 1, 1)), &m), [1, 3]);
    assert_eq!(run(&K::Younger(u64::MAX), &m), [1, 2]);
    assert_eq!(run(&K::Older(u64::MAX), &m), [3]);
}

#[test]
fn sent_dates_use_the_headers_own_day_and_fall_back_to_the_internal_date() {
    // PLAIN says 10 March 23:30 -0500, which is 11 March in UTC: the zone is disregarded.
    let mut m = vec![
        Msg::new(PLAIN),
        Msg::new("Subject: no date\r\n\r\nbody\r\n"),
        Msg::new("Date: the day after tomorrow\r\n\r\nbody\r\n"),
    ];
    m[1].date = ts(2024, 3, 12, 8, 0);
    m[2].date = ts(2024, 3, 13, 8, 0);
    assert_eq!(run(&K::SentOn(day(2024, 3, 10)), &m), [1]);
    assert_eq!(run(&K::SentOn(day(2024, 3, 12)), &m), [2]);
    assert_eq!(run(&K::SentOn(day(2024, 3, 13)), &m), [3]);
    assert_eq!(run(&K::SentBefore(day(2024, 3, 11)), &m), [1]);
    assert_eq!(run(&K::SentSince(day(2024, 3, 11)), &m), [2, 3]);
    // Without the file the internal date stands in (10 March 12:00 for message 1).
    let q = Query::new(&K::SentOn(day(2024, 3, 10)));
    let cx = ctx(3, &[], 0);
    assert!(q.matches(&candidate(0, &m[0]), &cx, None));
}

#[test]
fn younger_and_older_split_the_mailbox_at_the_interval() {
    let mut m = vec![Msg::new(PLAIN), Msg::new(PLAIN), Msg::new(PLAIN)];
    m[0].date = NOW - 3599;
    m[1].date = NOW - 3600;
    m[2].date = NOW - 3601;
    assert_eq!(run(&K::Younger(3600), &m), [1, 2]);
    assert_eq!(run(&K::Older(3600), &m), [3]);
}

#[test]
fn not_or_and_nest() {
    let m = five();
    // (OR (NOT SEEN) (AND FLAGGED ANSWERED)) and not 5
    let key = K::And(vec![
        K::Or(
            b(K::Not(b(K::Seen))),
            b(K::And(vec![K::Flagged, K::Answered])),
        ),
        K::Not(b(K::SequenceSet(set(&[(v(5), v(5))])))),
    ]);
    assert_eq!(run(&key, &m), [2, 4]);
    assert_eq!(run(&K::Not(b(K::Not(b(K::Seen)))), &m), [1, 3]);
    assert_eq!(run(&K::Or(b(K::Draft), b(K::Deleted)), &m), [3, 4]);
    assert_eq!(run(&K::And(vec![]), &m), [1, 2, 3, 4, 5]);
    assert_eq!(run(&K::Not(b(K::All)), &m), Vec::<u32>::new());
}

#[test]
fn needs_is_the_most_any_key_asks_for() {
    let needs = |k: K| Query::new(&k).needs();
    assert_eq!(
        needs(K::And(vec![
            K::Seen,
            K::Larger(3),
            K::Since(day(2024, 1, 1))
        ])),
        Needs::Metadata
    );
    assert_eq!(needs(K::Not(b(K::From("x".into())))), Needs::Headers);
    assert_eq!(needs(K::SentOn(day(2024, 1, 1))), Needs::Headers);
    assert_eq!(
        needs(K::Header("X-Spam".into(), String::new())),
        Needs::Headers
    );
    assert_eq!(
        needs(K::Or(b(K::Subject("x".into())), b(K::Body("y".into())))),
        Needs::Full
    );
    assert_eq!(needs(K::Text("y".into())), Needs::Full);
}

#[test]
fn prefilter_settles_what_metadata_can_without_the_file() {
    let m = five();
    let cx = ctx(5, &[], 0);
    let seen = candidate(0, &m[0]);
    let unseen = candidate(1, &m[1]);
    let and = Query::new(&K::And(vec![K::Unseen, K::Body("x".into())]));
    assert_eq!(and.prefilter(&seen, &cx), Some(false));
    assert_eq!(and.prefilter(&unseen, &cx), None);
    let or = Query::new(&K::Or(b(K::Seen), b(K::Body("x".into()))));
    assert_eq!(or.prefilter(&seen, &cx), Some(true));
    assert_eq!(or.prefilter(&unseen, &cx), None);
    let not = Query::new(&K::Not(b(K::And(vec![K::Seen, K::Body("x".into())]))));
    assert_eq!(not.prefilter(&unseen, &cx), Some(true));
    // A file key without the file does not match (BODY "" matches everything).
    assert!(!Query::new(&K::From("joe".into())).matches(&unseen, &cx, None));
    assert!(Query::new(&K::Body(String::new())).matches(&unseen, &cx, None));
}
