//! A loopback TCP proxy in front of the test Dovecot, for faults the server alone cannot
//! make: cutting every live connection at once, and hiding the IDLE capability (to prove the
//! polling fallback), and playing Gmail (announcing `X-GM-EXT-1` and answering `X-GM-THRID`
//! with a fixed thread id, which Dovecot itself does not know), playing Cyrus on a plain
//! connection (announcing `LOGINDISABLED` and refusing LOGIN "under no layer"), and hiding the
//! `\Sent` folder's mark until a test "creates" it. It forwards line by line, so it also
//! records the client's commands.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct ImapProxy {
    pub addr: SocketAddr,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    commands: Arc<Mutex<Vec<String>>>,
    accept: JoinHandle<()>,
    hide_sent: Arc<AtomicBool>,
}

/// What the proxy changes on the way.
#[derive(Clone, Default)]
pub struct Faults {
    /// The server's IDLE capability is renamed (polling fallback).
    pub hide_idle: bool,
    /// The server looks like Gmail and every message is in this Gmail thread.
    pub gmail_thread: Option<u64>,
    /// Like Cyrus before TLS: every capability list gains `LOGINDISABLED`, and a LOGIN is
    /// answered `NO Login only available under a layer` without reaching Dovecot.
    pub login_disabled: bool,
    /// While true, LIST answers carry no `\Sent` mark: the account has no Sent folder.
    pub hide_sent: Arc<AtomicBool>,
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
        Self::start_faulty(
            upstream,
            Faults {
                hide_idle,
                gmail_thread,
                ..Faults::default()
            },
        )
        .await
    }

    /// Forwards to `upstream` with `faults`.
    pub async fn start_faulty(upstream: SocketAddr, faults: Faults) -> Self {
        let hide_sent = faults.hide_sent.clone();
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
                let h = tokio::spawn(pipe(client, server, faults.clone(), cmds));
                c2.lock().unwrap().push(h);
            }
        });
        Self {
            addr,
            conns,
            commands,
            accept,
            hide_sent,
        }
    }

    /// Shows (true) or hides the `\Sent` folder's mark from now on, as if the owner had just
    /// made a Sent folder in another mail app.
    pub fn show_sent(&self, show: bool) {
        self.hide_sent.store(!show, Ordering::SeqCst);
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

async fn pipe(client: TcpStream, server: TcpStream, faults: Faults, cmds: Arc<Mutex<Vec<String>>>) {
    let Faults {
        hide_idle,
        gmail_thread,
        login_disabled,
        hide_sent,
    } = faults;
    let (cr, cw) = client.into_split();
    let (sr, mut sw) = server.into_split();
    // Both directions may answer the client (a refused LOGIN never reaches the server).
    let cw = Arc::new(tokio::sync::Mutex::new(cw));
    let cw_up = cw.clone();
    let up = async move {
        let mut r = BufReader::new(cr);
        let mut line = Vec::new();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            cmds.lock().unwrap().push(text.clone());
            if login_disabled {
                let mut words = text.split(' ');
                let (tag, command) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                if command.eq_ignore_ascii_case("LOGIN") {
                    let no = format!("{tag} NO Login only available under a layer\r\n");
                    if cw_up.lock().await.write_all(no.as_bytes()).await.is_err() {
                        break;
                    }
                    continue;
                }
            }
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
            if login_disabled
                && (line.starts_with(b"* OK [CAPABILITY ") || line.starts_with(b"* CAPABILITY "))
            {
                line = String::from_utf8_lossy(&line)
                    .replacen("IMAP4rev1", "IMAP4rev1 LOGINDISABLED", 1)
                    .into_bytes();
            }
            if hide_sent.load(Ordering::SeqCst) && line.starts_with(b"* LIST ") {
                line = String::from_utf8_lossy(&line)
                    .replace(" \\Sent", "")
                    .replace("(\\Sent ", "(")
                    .replace("(\\Sent)", "()")
                    .into_bytes();
            }
            if cw.lock().await.write_all(&line).await.is_err() {
                break;
            }
        }
        // The server hung up: so does the proxy (the client's half is shared with `up`, so
        // dropping this task's handle would not close it).
        let _ = cw.lock().await.shutdown().await;
    };
    tokio::join!(up, down);
}
