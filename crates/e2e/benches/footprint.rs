//! Footprint of the desktop app: `scripts/build-release && cargo bench -p deskbell-e2e --bench
//! footprint` (the release programs as the package installs them).
//!
//! Launches the release app under a private Xvfb + session bus + dunst with 200 tickets in its
//! store and prints: the time from launch to the window's list being interactive (the app logs
//! when it first served the list), and the whole process tree's RSS and PSS (from
//! /proc/PID/smaps_rollup; WebKit's web and network processes included) with the window open,
//! then 10 s after the window was closed to the tray. Goals: ≤ 1 s, ≤ 40 MB idle.
//! Needs ui/dist built (scripts/ui-build) and the desktop packages (scripts/install-test-deps).
//! `FOOTPRINT_TICKETS=n` seeds n tickets; `FOOTPRINT_DATA=dir` copies the store kept in `dir`
//! instead (`BENCH_KEEP=dir cargo bench --bench list`: 100,000 tickets, 300,000 messages).

#[path = "../tests/support/desktop.rs"]
mod desktop;
#[path = "../tests/support/x11.rs"]
mod x11;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runs: usize = std::env::var("FOOTPRINT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let tmp = tempfile::Builder::new().prefix("dbfoot").tempdir().unwrap();
    let desktop = desktop::Desktop::start(&tmp.path().join("desktop"));
    let data = tmp.path().join("data");
    let config = tmp.path().join("config.toml");
    let port = desktop::free_port();
    std::fs::write(
        &config,
        format!("[intake]\nlisten = \"127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let tickets: usize = std::env::var("FOOTPRINT_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    // FOOTPRINT_DATA=dir: a copy of a kept store instead (e.g. the 100,000 tickets that
    // `BENCH_KEEP=dir cargo bench --bench list` leaves), for the first page at that size.
    let kept = std::env::var_os("FOOTPRINT_DATA").map(std::path::PathBuf::from);
    let tickets = match &kept {
        Some(from) => copy_store(&config, from, &data),
        None => {
            seed(&config, &data, tickets);
            tickets
        }
    };
    // Configured (else the window shows the first-run set-up, not the list). Seeding ran
    // without mail, so nothing is queued and the SMTP server is never reached.
    let configured = format!(
        "[owner]\nemail = \"owner@shop.test\"\nname = \"Rosa\"\n\n\
         [intake]\nlisten = \"127.0.0.1:{port}\"\n\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"plain\"\n\
         username = \"owner@shop.test\"\npassword = \"unused\"\n"
    );
    std::fs::write(&config, configured).unwrap();

    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("deskbell-desktop footprint ({runs} runs, {tickets} tickets, {profile} build, Xvfb)");
    println!(
        "run | interactive ms (log / seen) | open RSS MB | open PSS MB | idle RSS MB | idle PSS MB"
    );
    let mut idle_pss = Vec::new();
    let mut interactive = Vec::new();
    for run in 1..=runs {
        let r = measure(&desktop, &config, &data);
        println!(
            "{run:>3} | {:>5} / {:>5} | {:>11.1} | {:>11.1} | {:>11.1} | {:>11.1}",
            r.interactive_ms, r.seen_ms, r.open.rss, r.open.pss, r.idle.rss, r.idle.pss
        );
        for (name, m) in &r.open_by_process {
            println!(
                "      open  {name:<24} RSS {:>6.1} MB  PSS {:>6.1} MB",
                m.rss, m.pss
            );
        }
        for (name, m) in &r.idle_by_process {
            println!(
                "      idle  {name:<24} RSS {:>6.1} MB  PSS {:>6.1} MB",
                m.rss, m.pss
            );
        }
        idle_pss.push(r.idle.pss);
        interactive.push(r.interactive_ms);
    }
    idle_pss.sort_by(f64::total_cmp);
    interactive.sort();
    println!(
        "median: interactive {} ms (goal ≤ 1000), idle PSS {:.1} MB (goal ≤ 40)",
        interactive[interactive.len() / 2],
        idle_pss[idle_pss.len() / 2]
    );
}

#[derive(Default, Clone, Copy)]
struct Mem {
    rss: f64,
    pss: f64,
}

struct Run {
    interactive_ms: u128,
    seen_ms: u128,
    open: Mem,
    idle: Mem,
    open_by_process: Vec<(String, Mem)>,
    idle_by_process: Vec<(String, Mem)>,
}

fn measure(desktop: &desktop::Desktop, config: &std::path::Path, data: &std::path::Path) -> Run {
    let start = Instant::now();
    let mut app = desktop
        .command(deskbell_e2e::program("deskbell-desktop"))
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .env("DESKBELL_LOG", "deskbell_desktop=info,warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the release app");
    let pid = app.id();
    let mut lines = BufReader::new(app.stderr.take().unwrap()).lines();
    let mut interactive_ms = 0;
    for line in lines.by_ref() {
        let line = line.unwrap_or_default();
        if std::env::var_os("FOOTPRINT_VERBOSE").is_some() {
            eprintln!("app: {line}");
        }
        if line.contains("window interactive") {
            interactive_ms = line
                .split("ms=")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            break;
        }
    }
    assert!(
        interactive_ms > 0,
        "the app exited or never served the list"
    );
    let seen_ms = start.elapsed().as_millis();
    // Keep draining the log so the app never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    std::thread::sleep(Duration::from_secs(3));
    let open_by_process = tree(pid);
    assert_eq!(
        x11::close_window(&desktop.display, "Deskbell"),
        1,
        "one window to close"
    );
    std::thread::sleep(Duration::from_secs(10));
    let idle_by_process = tree(pid);
    let _ = app.kill();
    let _ = app.wait();
    let sum = |v: &[(String, Mem)]| {
        v.iter().fold(Mem::default(), |a, (_, m)| Mem {
            rss: a.rss + m.rss,
            pss: a.pss + m.pss,
        })
    };
    Run {
        interactive_ms,
        seen_ms,
        open: sum(&open_by_process),
        idle: sum(&idle_by_process),
        open_by_process,
        idle_by_process,
    }
}

/// `root` and all its descendants: (name, memory).
fn tree(root: u32) -> Vec<(String, Mem)> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The name is in parentheses and may contain spaces; the ppid follows the state.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a.to_string()) else {
            continue;
        };
        let ppid: u32 = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        parents.push((pid, ppid));
    }
    let mut members = vec![root];
    let mut i = 0;
    while i < members.len() {
        let p = members[i];
        members.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    members
        .into_iter()
        .filter_map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let kb = |key: &str| {
                rollup
                    .lines()
                    .find(|l| l.starts_with(key))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            Some((
                format!("{} ({pid})", name.trim()),
                Mem {
                    rss: kb("Rss:") / 1024.0,
                    pss: kb("Pss:") / 1024.0,
                },
            ))
        })
        .collect()
}

/// Copies the store files of `from` into `data`; returns how many tickets its views hold.
fn copy_store(config: &std::path::Path, from: &std::path::Path, data: &std::path::Path) -> usize {
    std::fs::create_dir_all(data).unwrap();
    for name in ["deskbell.sqlite3", "deskbell.sqlite3-wal"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), data.join(name)).unwrap();
        }
    }
    let config = deskbell::Config::load(Some(config), std::iter::empty()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let clock = std::sync::Arc::new(deskbell::clock::SystemClock);
        let inbox = deskbell::app::open_inbox(&config, data, clock).unwrap();
        let c = inbox.counts().await.unwrap();
        (c.open + c.pending + c.closed + c.snoozed + c.spam + c.trash) as usize
    })
}

fn seed(config: &std::path::Path, data: &std::path::Path, n: usize) {
    let config = deskbell::Config::load(Some(config), std::iter::empty()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let clock = std::sync::Arc::new(deskbell::clock::SystemClock);
        let inbox = deskbell::app::open_inbox(&config, data, clock).unwrap();
        if !inbox.tickets(Default::default()).await.unwrap().is_empty() {
            return;
        }
        for i in 0..n {
            let new = deskbell::domain::NewTicket {
                site_id: None,
                channel: deskbell::domain::Channel::Web,
                visitor: deskbell::domain::Visitor {
                    name: format!("Visitor {i}"),
                    email: format!("visitor{i}@example.test"),
                    phone: None,
                },
                session_id: None,
                issue: format!("Question number {i} about an order that has not arrived"),
                page_url: None,
                spam: false,
            };
            inbox.create_ticket(new, None).await.unwrap();
        }
    });
}
