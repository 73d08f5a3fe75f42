//! Intake benchmark: drives the real `deskbell serve` over loopback with durable commits and
//! prints accepted tickets/s and latency, for the group-commit writer and for the naive
//! one-transaction-per-request mode of the same code, plus latency at a steady 500 req/s.
//!
//! Run: `cargo bench --bench intake` (env: BENCH_SECS=5, BENCH_CONNS=64).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_deskbell");

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cli(dir: &Path, commit: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("DESKBELL_CONFIG")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("DESKBELL_LOG", "error")
        .env("DESKBELL_OWNER_TIMEZONE", "UTC")
        .env("DESKBELL_STORE_COMMIT", commit)
        .env("DESKBELL_INTAKE_LISTEN", "127.0.0.1:0")
        .env("DESKBELL_INTAKE_CLIENT_RATE_PER_MINUTE", "100000000")
        .env("DESKBELL_INTAKE_GLOBAL_RATE_PER_SECOND", "100000000");
    c
}

struct Server {
    child: Child,
    addr: String,
    token: String,
    _dir: tempfile::TempDir,
}

async fn start(commit: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path(), commit)
        .args([
            "site",
            "add",
            "Bench",
            "--origin",
            "https://bench.example",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = v["bot_token"].as_str().unwrap().to_string();
    let mut child = cli(dir.path(), commit)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let addr = first.rsplit("http://").next().unwrap().trim().to_string();
    Server {
        child,
        addr,
        token,
        _dir: dir,
    }
}

fn body(token: &str) -> Bytes {
    Bytes::from(
        serde_json::json!({
            "bot_token": token,
            "session_id": "bench-session",
            "visitor_name": "Bench Visitor",
            "visitor_email": "bench@example.com",
            "issue": "A typical ticket of a few sentences: my order has not arrived yet and \
                      the tracking page shows no update since Monday. Could you check?",
            "page_url": "https://bench.example/contact",
        })
        .to_string(),
    )
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: &str) -> Sender {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

async fn post(sender: &mut Sender, addr: &str, body: &Bytes) -> bool {
    let req = Request::post(format!("http://{addr}/tickets/create"))
        .header("host", addr)
        .header("content-type", "application/json")
        .body(Full::new(body.clone()))
        .unwrap();
    match sender.send_request(req).await {
        Ok(resp) => {
            let ok = resp.status() == 201;
            let _ = resp.into_body().collect().await;
            ok
        }
        Err(_) => false,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct Figures {
    per_sec: f64,
    p50: f64,
    p99: f64,
    accepted: usize,
}

/// Closed loop: `conns` connections, each sending the next request as soon as one returns.
async fn saturate(s: &Server, conns: u64, secs: u64) -> Figures {
    let body = body(&s.token);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (addr, body) = (s.addr.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(&addr).await;
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                if !post(&mut sender, &addr, &body).await {
                    panic!("a request was not accepted");
                }
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort_unstable();
    Figures {
        per_sec: all.len() as f64 / elapsed,
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        accepted: all.len(),
    }
}

/// Open loop: requests released on a fixed schedule of `rate` per second by a dispatcher that
/// never waits for answers, so a stall cannot hide behind fewer requests.
async fn steady(s: &Server, rate: u64, secs: u64) -> Figures {
    let body = body(&s.token);
    let total = rate * secs;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let conns = 32;
    let (tx, rx) = async_channel(total as usize);
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (addr, body, rx) = (s.addr.clone(), body.clone(), rx.clone());
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(&addr).await;
            let mut lat = Vec::new();
            while let Ok(scheduled) = rx.recv().await {
                assert!(
                    post(&mut sender, &addr, &body).await,
                    "a request was not accepted"
                );
                lat.push(Instant::now().saturating_duration_since(scheduled));
            }
            lat
        }));
    }
    let start = Instant::now();
    for i in 0..total {
        let at = start + interval * i as u32;
        tokio::time::sleep_until(at.into()).await;
        // Latency counts from the moment the request was released, not from the ideal
        // schedule: tokio's timer wheel fires up to 1 ms late, and that is the client's delay.
        // The dispatcher never waits for answers, so slow answers cannot hide requests.
        tx.send(Instant::now()).await.unwrap();
    }
    drop(tx);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_unstable();
    Figures {
        per_sec: all.len() as f64 / start.elapsed().as_secs_f64(),
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        accepted: all.len(),
    }
}

/// A tiny multi-consumer queue over a tokio mutex (keeps the bench free of extra crates).
fn async_channel(cap: usize) -> (Tx, Rx) {
    let (tx, rx) = tokio::sync::mpsc::channel(cap.max(1));
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
    (Tx(tx), Rx(rx))
}
struct Tx(tokio::sync::mpsc::Sender<Instant>);
impl Tx {
    async fn send(&self, v: Instant) -> Result<(), ()> {
        self.0.send(v).await.map_err(|_| ())
    }
}
#[derive(Clone)]
struct Rx(std::sync::Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<Instant>>>);
impl Rx {
    async fn recv(&self) -> Result<Instant, ()> {
        self.0.lock().await.recv().await.ok_or(())
    }
}

fn stored(s: &Server) -> i64 {
    let conn = rusqlite::Connection::open(s._dir.path().join(deskbell::store::DB_FILE)).unwrap();
    conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing we need.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let secs = env_num("BENCH_SECS", 5);
    let conns = env_num("BENCH_CONNS", 64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "Deskbell intake benchmark: real `deskbell serve`, loopback HTTP, synchronous=FULL"
        );
        println!(
            "{} s per run, {conns} keep-alive connections, {} cores\n",
            secs,
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0)
        );
        println!(
            "{:<26} {:>12} {:>9} {:>9} {:>9}",
            "run", "tickets/s", "p50 ms", "p99 ms", "stored"
        );
        let mut results = Vec::new();
        for mode in ["group", "naive"] {
            let mut s = start(mode).await;
            let st = steady(&s, 500, secs.max(4)).await;
            println!(
                "{:<26} {:>12.0} {:>9.2} {:>9.2} {:>9}",
                format!("500 req/s, {mode} commit"),
                st.per_sec,
                st.p50,
                st.p99,
                stored(&s)
            );
            let f = saturate(&s, conns, secs).await;
            let n = stored(&s);
            assert!(
                n >= (f.accepted + st.accepted) as i64,
                "every 201 is stored"
            );
            println!(
                "{:<26} {:>12.0} {:>9.2} {:>9.2} {:>9}",
                format!("saturate, {mode} commit"),
                f.per_sec,
                f.p50,
                f.p99,
                n
            );
            results.push(f.per_sec);
            s.child.start_kill().unwrap();
            let _ = s.child.wait().await;
        }
        println!("\ngroup commit / naive: {:.1}x", results[0] / results[1]);
    });
}
