//! A loopback TCP proxy in front of the test Dovecot, for faults the server alone cannot
//! make: cutting every live connection at once, and hiding the IDLE capability (to prove the
//! polling fallback), and playing Gmail (announcing `X-GM-EXT-1` and answering `X-GM-THRID`
//! with a fixed thread id, which Dovecot itself does not know). It forwards line by line, so
//! it also records the client's commands.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct ImapProxy {
    pub addr: SocketAddr,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    commands: Arc<Mutex<Vec<String>>>,
    accept: JoinHandle<()>,
}

impl ImapProxy {
    /// Forwards to `upstream`; with `hide_idle`, the server's IDLE capability is renamed.
    pub async fn start(upstream: SocketAddr, hide_idle: bool) -> Self {
        Self::start_with(upstream, hide_idle, None).await
    }

    /// As `start`; with `gmail_thread`, the server looks like Gmail and every message is in
    /// that Gmail thread.
    pub async fn start_with(
        upstream: SocketAddr,
        hide_idle: bool,
        gmail_thread: Option<u64>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let commands: Arc<Mutex<Vec<String>>> = Arc::default();
        let (c2, cmds) = (conns.clone(), commands.clone());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let cmds = cmds.clone();
                let h = tokio::spawn(pipe(client, server, hide_idle, gmail_thread, cmds));
                c2.lock().unwrap().push(h);
            }
        });
        Self {
            addr,
            conns,
            commands,
            accept,
        }
    }

    /// Drops every live connection (like a network cut); new ones are still accepted.
    pub fn cut(&self) {
        for h in self.conns.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    /// The command lines clients have sent (tag included).
    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }
}

impl Drop for ImapProxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    hide_idle: bool,
    gmail_thread: Option<u64>,
    cmds: Arc<Mutex<Vec<String>>>,
) {
    let (cr, mut cw) = client.into_split();
    let (sr, mut sw) = server.into_split();
    let up = async move {
        let mut r = BufReader::new(cr);
        let mut line = Vec::new();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                break;
            }
            cmds.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&line).trim_end().to_string());
            if gmail_thread.is_some() && line.windows(11).any(|w| w == b" X-GM-THRID") {
                line = String::from_utf8_lossy(&line)
                    .replace(" X-GM-THRID", "")
                    .into_bytes();
            }
            if sw.write_all(&line).await.is_err() {
                break;
            }
        }
    };
    let down = async move {
        let mut r = BufReader::new(sr);
        let mut line = Vec::new();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                break;
            }
            if hide_idle && line.windows(5).any(|w| w == b" IDLE") {
                // Same length, so literal sizes stay right.
                let text = String::from_utf8_lossy(&line).replace(" IDLE", " XDLE");
                line = text.into_bytes();
            }
            if let Some(thread) = gmail_thread {
                let text = String::from_utf8_lossy(&line).to_string();
                if text.contains("CAPABILITY") {
                    line = text
                        .replace("IMAP4rev1", "IMAP4rev1 X-GM-EXT-1")
                        .into_bytes();
                } else if text.starts_with("* ") && text.contains(" FETCH (") {
                    line = text
                        .replacen(" FETCH (", &format!(" FETCH (X-GM-THRID {thread} "), 1)
                        .into_bytes();
                }
            }
            if cw.write_all(&line).await.is_err() {
                break;
            }
        }
    };
    tokio::join!(up, down);
}
