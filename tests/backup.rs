//! Backup, restore and export through the real `deskbell` binary against a real store: a
//! backup taken while tickets pour in holds every ticket acknowledged before it began; a
//! restore brings back the same tickets, threads, websites and install key (the export of the
//! restored store equals the original's); daily backups keep the newest `[backup] keep`.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_deskbell");

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DESKBELL_CONFIG")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The export with the moment of exporting left out.
fn export(dir: &Path) -> Value {
    let mut v: Value = serde_json::from_str(&ok(dir, &["export", "--format", "json"])).unwrap();
    v.as_object_mut().unwrap().remove("exported_at");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_a_flood_holds_every_ticket_acknowledged_before_it_began() {
    let running = Arc::new(common::start(common::NO_LIMITS).await);
    // The site was added after the listener started: wait until its token is taken.
    for _ in 0..50 {
        if running
            .post_json(&running.ticket_json("warm-up"))
            .await
            .status()
            == 201
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let acked = Arc::new(Mutex::new(BTreeSet::<String>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut flood = Vec::new();
    for w in 0..16 {
        let (running, acked, stop) = (running.clone(), acked.clone(), stop.clone());
        flood.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 2_000 {
                let resp = running
                    .post_json(&running.ticket_json(&format!("flood {w}-{i}")))
                    .await;
                if resp.status() == 201 {
                    let v: Value = resp.json().await.unwrap();
                    let id = v["ticket_id"].as_str().unwrap().to_string();
                    acked.lock().unwrap().insert(id);
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before: BTreeSet<String> = acked.lock().unwrap().clone();
    let file = running.data_dir().join("flood.backup");
    let data = running.data_dir().to_path_buf();
    let (out, file2) = (file.clone(), data.clone());
    let info = tokio::task::spawn_blocking(move || {
        ok(&file2, &["backup", out.to_str().unwrap(), "--json"])
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in flood {
        f.await.unwrap();
    }
    let after = acked.lock().unwrap().len();
    let info: Value = serde_json::from_str(&info).unwrap();
    assert!(before.len() >= 50, "the flood ran: {} before", before.len());
    assert!(
        after > before.len(),
        "tickets kept coming during the backup"
    );

    let restored = tempfile::tempdir().unwrap();
    let said = ok(restored.path(), &["restore", file.to_str().unwrap()]);
    assert!(said.contains("Restored"), "{said}");
    let conn = rusqlite::Connection::open(common::db_path(restored.path())).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let there: BTreeSet<String> = conn
        .prepare("SELECT ticket_id FROM tickets")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let missing: Vec<&String> = before.difference(&there).collect();
    assert!(
        missing.is_empty(),
        "acknowledged, not in the backup: {missing:?}"
    );
    assert_eq!(there.len() as i64, info["tickets"].as_i64().unwrap());
    assert_eq!(
        std::fs::read(restored.path().join("install.key")).unwrap(),
        std::fs::read(data.join("install.key")).unwrap(),
        "the install key came along"
    );
    let no_meta: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'deskbell_backup'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        no_meta, 0,
        "the backup's own record is not left in the store"
    );
    drop(conn);
    let running = Arc::try_unwrap(running).ok().expect("the flood is over");
    running.app.stop().await;
}

#[tokio::test]
async fn a_restore_gives_back_the_same_export_and_refuses_to_overwrite() {
    let running = common::start(common::NO_LIMITS).await;
    let mut posted = 0;
    for (name, issue) in [("Ana", "=SUM(A1) my parcel"), ("Bo", "Where, \"exactly\"?")] {
        let mut body = running.ticket_json(issue);
        body["visitor_name"] = name.into();
        for _ in 0..50 {
            if running.post_json(&body).await.status() == 201 {
                posted += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(posted, 2);
    let dir = running.data_dir().to_path_buf();
    let first = running
        .app
        .inbox()
        .page("", Default::default())
        .await
        .unwrap();
    let id = first.tickets[0].ticket_id.clone();
    ok(&dir, &["tickets", "note", &id, "--text", "called back"]);
    ok(&dir, &["tickets", "tag", &id, "refund"]);
    running.app.stop().await;

    let original = export(&dir);
    let tickets = original["tickets"].as_array().unwrap();
    assert_eq!(original["format"], 1);
    assert_eq!(tickets.len(), 2);
    let noted = tickets
        .iter()
        .find(|t| t["ticket_id"] == id.as_str())
        .unwrap();
    assert_eq!(noted["tags"], serde_json::json!(["refund"]));
    let directions: Vec<&str> = noted["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["in", "note"], "the first words, then the note");

    let csv = ok(&dir, &["export", "--format", "csv"]);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("ticket_id,status,priority,channel,site,visitor_name"));
    assert!(
        csv.contains("'=SUM(A1) my parcel"),
        "a formula is defused: {csv}"
    );
    assert!(csv.contains("\"Where, \"\"exactly\"\"?\""), "{csv}");

    let file = dir.join("b.backup");
    ok(&dir, &["backup", file.to_str().unwrap()]);
    let again = run(&dir, &["backup", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("keep-me.txt"), b"mine").unwrap();
    let refused = run(target.path(), &["restore", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(
        words.contains("is not empty") && words.contains("--force"),
        "{words}"
    );
    assert!(!common::db_path(target.path()).exists(), "nothing written");

    let said = ok(
        target.path(),
        &["restore", file.to_str().unwrap(), "--force"],
    );
    assert!(said.contains("replaced-"), "{said}");
    let aside: Vec<_> = std::fs::read_dir(target.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("replaced-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read(aside[0].path().join("keep-me.txt")).unwrap(),
        b"mine",
        "moved aside, not deleted"
    );
    assert_eq!(
        export(target.path()),
        original,
        "the same tickets, threads and tags"
    );

    let junk = target.path().join("junk.backup");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let bad = run(empty.path(), &["restore", junk.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a Deskbell backup"));
}

#[tokio::test]
async fn daily_backups_come_once_a_day_and_keep_the_newest() {
    let running = common::start("").await;
    let data = running.data_dir().to_path_buf();
    let dir = data.join("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let now = chrono::Utc::now();
    for days in 2..=9 {
        let at = now - chrono::Duration::days(days);
        let name = format!("deskbell-{}.backup", at.format("%Y%m%d-%H%M%S"));
        std::fs::write(dir.join(name), b"an old one").unwrap();
    }
    let made = deskbell::backup::daily(&data, &dir, 7, now)
        .unwrap()
        .expect("due: the newest is two days old");
    assert!(deskbell::backup::inspect(&made.file).is_ok());
    let files = deskbell::backup::daily_files(&dir);
    assert_eq!(files.len(), 7, "the newest seven kept");
    assert_eq!(files[0].1, made.file);
    // The new one and those 2 to 7 days old; 8 and 9 days went.
    let oldest = now - files[6].0;
    assert!(oldest > chrono::Duration::days(6) && oldest < chrono::Duration::days(8));

    let later = now + chrono::Duration::hours(3);
    assert!(deskbell::backup::daily(&data, &dir, 7, later)
        .unwrap()
        .is_none());
    let tomorrow = now + chrono::Duration::hours(25);
    assert!(deskbell::backup::daily(&data, &dir, 7, tomorrow)
        .unwrap()
        .is_some());
    assert_eq!(deskbell::backup::daily_files(&dir).len(), 7);
    running.app.stop().await;

    // The section reads from the file and the environment like any other.
    let cfg = deskbell::Config::from_toml(
        "[backup]\ndir = \"/srv/sync/deskbell\"\nkeep = 3\n",
        "t",
        [("DESKBELL_BACKUP_KEEP".to_string(), "5".to_string())],
    )
    .unwrap();
    assert_eq!(cfg.backup.keep, 5);
    assert_eq!(
        cfg.backup.dir_for(Path::new("/data")),
        Path::new("/srv/sync/deskbell")
    );
    assert!(deskbell::Config::from_toml("[backup]\nkeeep = 3\n", "t", []).is_err());
}
