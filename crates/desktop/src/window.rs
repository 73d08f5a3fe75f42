//! The resident process's side of the window: it serves the window process over the local
//! channel (`ipc`) and starts that process when the window is wanted.
//!
//! Opening asks the window that is already there to come forward (and show a ticket), or
//! starts `deskbell-window` (a ticket to show goes on its command line). A window that is
//! still starting is told once it connects. Closing the window ends its process, and with it
//! every byte of WebKit; the resident process never loads a web view.

use crate::Host;
use deskbell_wire::channel::{self as ipc, ToCore, ToWindow};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::BufReader;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{broadcast, mpsc};

/// The window's process and the channel to it: a cheap handle, cloned by whoever opens the
/// window or publishes to it (the tray, notifications, the event forwarder, the channel).
#[derive(Clone)]
pub struct Windows(Arc<Shared>);

struct Shared {
    socket: PathBuf,
    /// Live events and open requests, to every connected window.
    tx: broadcast::Sender<ToWindow>,
    proc: Mutex<Proc>,
}

#[derive(Default)]
struct Proc {
    /// The window process we started, while it runs.
    child: Option<u32>,
    connected: usize,
    /// An open request made while the window was starting: sent when it connects.
    pending: Option<Option<String>>,
}

impl Windows {
    /// Binds the channel's socket in `data_dir` (only this user may connect).
    pub fn bind(data_dir: &Path) -> std::io::Result<(Self, std::os::unix::net::UnixListener)> {
        let socket = data_dir.join(ipc::SOCKET);
        // Left over from a run that did not end cleanly; a second Deskbell never gets this far
        // (the single-instance check comes first).
        let _ = std::fs::remove_file(&socket);
        std::fs::create_dir_all(data_dir)?;
        let listener = std::os::unix::net::UnixListener::bind(&socket)?;
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
        listener.set_nonblocking(true)?;
        let (tx, _) = broadcast::channel(256);
        let windows = Self(Arc::new(Shared {
            socket,
            tx,
            proc: Mutex::new(Proc::default()),
        }));
        Ok((windows, listener))
    }

    pub fn socket(&self) -> &Path {
        &self.0.socket
    }

    /// Passes a live event to the window, if there is one.
    pub fn publish(&self, name: &str, payload: serde_json::Value) {
        let _ = self.0.tx.send(ToWindow::Event {
            name: name.to_string(),
            payload,
        });
    }

    fn proc(&self) -> std::sync::MutexGuard<'_, Proc> {
        self.0.proc.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Deskbell is quitting: the window goes too.
    pub fn close(&self) {
        let _ = self.0.tx.send(ToWindow::Close);
        let _ = std::fs::remove_file(&self.0.socket);
    }

    /// Shows the window (starting its process if needed), optionally on one ticket.
    pub fn open(&self, ticket: Option<&str>) {
        // Only a well-formed id reaches the window's command line or the page.
        let ticket = ticket
            .filter(|t| t.parse::<deskbell::domain::TicketId>().is_ok())
            .map(str::to_string);
        let mut proc = self.proc();
        if proc.child.is_some() {
            if proc.connected > 0 {
                let _ = self.0.tx.send(ToWindow::Open { ticket });
            } else {
                proc.pending = Some(ticket);
            }
            return;
        }
        match self.start(ticket.as_deref()) {
            Ok(child) => proc.child = Some(child),
            Err(e) => tracing::error!(error = %e, "cannot start the window"),
        }
    }

    fn start(&self, ticket: Option<&str>) -> std::io::Result<u32> {
        let mut cmd = std::process::Command::new(program()?);
        cmd.arg("--ipc").arg(self.socket());
        if let Some(t) = ticket {
            cmd.arg("--ticket").arg(t);
        }
        let mut child = cmd.spawn()?;
        let pid = child.id();
        tracing::info!(pid, "window process started");
        let windows = self.clone();
        std::thread::spawn(move || {
            let status = child.wait();
            tracing::info!(pid, ?status, "window process ended");
            let mut proc = windows.proc();
            if proc.child == Some(pid) {
                proc.child = None;
                proc.pending = None;
            }
        });
        Ok(pid)
    }
}

/// The window's program: `deskbell-window` beside this one.
fn program() -> std::io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name("deskbell-window"))
}

/// Accepts the window process's connections for as long as the app runs; each call it makes
/// is dispatched to `host` ([`crate::commands::dispatch`]).
pub async fn serve<H>(host: H, windows: Windows, listener: std::os::unix::net::UnixListener)
where
    H: Host + Clone + 'static,
{
    use std::os::unix::fs::MetadataExt;
    // The socket file is ours: its owner is this process's user.
    let me = std::fs::metadata(windows.socket()).map(|m| m.uid());
    let (listener, me) = match (UnixListener::from_std(listener), me) {
        (Ok(l), Ok(me)) => (l, me),
        (Err(e), _) | (_, Err(e)) => {
            return tracing::error!(error = %e, "cannot listen for the window")
        }
    };
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!(error = %e, "window channel: accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
        };
        match stream.peer_cred() {
            Ok(cred) if cred.uid() == me => {
                tokio::spawn(connection(host.clone(), windows.clone(), stream));
            }
            other => tracing::warn!(
                ?other,
                "window channel: refused a connection from another user"
            ),
        }
    }
}

async fn connection<H>(host: H, windows: Windows, stream: UnixStream)
where
    H: Host + Clone + 'static,
{
    let (read, mut write) = stream.into_split();
    let (out, mut out_rx) = mpsc::channel::<ToWindow>(64);
    let mut events = windows.0.tx.subscribe();
    let writer = tokio::spawn(async move {
        loop {
            let message = tokio::select! {
                m = out_rx.recv() => match m { Some(m) => m, None => return },
                e = events.recv() => match e {
                    Ok(e) => e,
                    // The window refreshes on the next event it gets.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if let Err(e) = ipc::write(&mut write, &message).await {
                return tracing::debug!(error = %e, "window channel closed");
            }
        }
    });
    let mut reader = BufReader::new(read);
    let mut buf = Vec::new();
    let mut is_window = false;
    loop {
        match ipc::read::<ToCore>(&mut reader, &mut buf).await {
            Ok(ToCore::Hello) if !is_window => {
                is_window = true;
                tracing::info!("window connected");
                let pending = {
                    let mut proc = windows.proc();
                    proc.connected += 1;
                    proc.pending.take()
                };
                if let Some(ticket) = pending {
                    let _ = out.send(ToWindow::Open { ticket }).await;
                }
            }
            Ok(ToCore::Hello) => {}
            Ok(ToCore::Call { id, cmd, args }) => {
                tracing::debug!(id, %cmd, "window call");
                let host = host.clone();
                let out = out.clone();
                tokio::spawn(async move {
                    let result = crate::commands::dispatch(&host, &cmd, args).await;
                    let _ = out.send(ToWindow::Reply { id, result }).await;
                });
            }
            // A second launch of Deskbell.
            Ok(ToCore::Open { ticket }) => windows.open(ticket.as_deref()),
            Err(ipc::FrameError::Closed) => break,
            Err(e) => {
                tracing::warn!(error = %e, "window channel: dropping the connection");
                break;
            }
        }
    }
    drop(out);
    writer.abort();
    if is_window {
        windows.proc().connected -= 1;
    }
}
