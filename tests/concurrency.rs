//! Ticket numbers under concurrency: 1,000 simultaneous creates over HTTP give 1,000 distinct
//! ids, consecutive for the day, and every row is there — in group-commit and naive modes.

mod common;

use common::{count, start, NO_LIMITS};
use std::collections::BTreeMap;

async fn thousand_concurrent_creates(extra: &str) {
    let s = start(&format!("{NO_LIMITS}[store]\ncommit = \"{extra}\"\n")).await;
    let n = 1000;
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let req = s
            .http
            .post(s.url("/tickets/create"))
            .json(&s.ticket_json(&format!("concurrent #{i}")));
        handles.push(tokio::spawn(async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 201);
            let v: serde_json::Value = resp.json().await.unwrap();
            v["ticket_id"].as_str().unwrap().to_string()
        }));
    }
    let mut by_day: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for h in handles {
        let id: deskbell::domain::TicketId = h.await.unwrap().parse().unwrap();
        by_day
            .entry(id.day().to_string())
            .or_default()
            .push(id.number());
    }
    let total: usize = by_day.values().map(Vec::len).sum();
    assert_eq!(total, n);
    // Consecutive per day from 1 (a run across midnight splits into two days, each from 1).
    for numbers in by_day.values_mut() {
        numbers.sort_unstable();
        let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
        assert_eq!(*numbers, expected);
    }
    assert_eq!(
        count(s.data_dir(), "SELECT count(*) FROM tickets"),
        n as i64
    );
    assert_eq!(
        count(
            s.data_dir(),
            "SELECT count(DISTINCT ticket_id) FROM tickets"
        ),
        n as i64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_commit_gives_distinct_consecutive_ids() {
    thousand_concurrent_creates("group").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn naive_mode_gives_the_same_guarantees() {
    thousand_concurrent_creates("naive").await;
}
