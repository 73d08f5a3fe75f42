//! A byte-counting TCP relay on 127.0.0.1 for the sync benchmark: every client connects to
//! it instead of the IMAP server, and it adds up what crosses in each direction, so two IMAP
//! clients can be compared by the bytes they put on the wire. It copies raw bytes (no line
//! parsing, no rewriting) so it measures exactly what the client and server exchange. It also
//! notes when each client write began (its first line, truncated), to show where time went.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Bytes seen so far: client → server, server → client.
#[derive(Debug, Clone, Copy, Default)]
pub struct Traffic {
    pub up: u64,
    pub down: u64,
}

impl Traffic {
    pub fn total(&self) -> u64 {
        self.up + self.down
    }
}

pub struct CountingProxy {
    pub addr: SocketAddr,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
    log: Log,
    accept: JoinHandle<()>,
}

/// (since the proxy started, the first line of a client write).
type Log = Arc<Mutex<Vec<(Duration, String)>>>;

impl CountingProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the counting proxy on 127.0.0.1");
        let addr = listener.local_addr().expect("proxy address");
        let (up, down) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (u, d) = (up.clone(), down.clone());
        let log: Log = Arc::default();
        let (l, started) = (log.clone(), Instant::now());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pump(cr, sw, u.clone(), Some((l.clone(), started))));
                tokio::spawn(pump(sr, cw, d.clone(), None));
            }
        });
        Self {
            addr,
            up,
            down,
            log,
            accept,
        }
    }

    pub fn traffic(&self) -> Traffic {
        Traffic {
            up: self.up.load(Ordering::Relaxed),
            down: self.down.load(Ordering::Relaxed),
        }
    }

    /// The client's writes so far, each with its time since the proxy started.
    pub fn client_writes(&self) -> Vec<(Duration, String)> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    count: Arc<AtomicU64>,
    log: Option<(Log, Instant)>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        count.fetch_add(n as u64, Ordering::Relaxed);
        if let Some((log, started)) = &log {
            let line = buf[..n].split(|b| *b == b'\n').next().unwrap_or_default();
            let line = String::from_utf8_lossy(&line[..line.len().min(60)]);
            // A command's line end may come as a write of its own: not a new command.
            let line = line.trim_end();
            if !line.is_empty() {
                if let Ok(mut l) = log.lock() {
                    l.push((started.elapsed(), line.to_string()));
                }
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
