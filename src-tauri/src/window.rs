//! The window process (`deskbell-window --ipc SOCKET [--ticket ID]`): one Tauri web view and
//! nothing else. Every command the page invokes goes, by name and unchanged, over the
//! local channel (the wire crate) to the resident process, which runs it next to the core. This
//! crate does not depend on the core (docs/architecture.md, "The desktop"); live events
//! and "open this ticket" come back the same way. Closing the window ends this process; losing
//! the resident process closes the window.

use deskbell_wire::channel::{self as ipc, ToCore, ToWindow};
use deskbell_wire::{ApiError, OpenTicket, OPEN_TICKET};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tauri::ipc::{Invoke, InvokeBody};
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};
use tokio::io::BufReader;
use tokio::sync::{mpsc, oneshot};

pub const LABEL: &str = "main";

/// `--ipc SOCKET` and `--ticket ID` (ignored unless it is a ticket id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    pub socket: PathBuf,
    pub ticket: Option<String>,
}

impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Option<Self> {
        let mut out = Self::default();
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            match a.as_str() {
                "--ipc" => out.socket = args.next()?.into(),
                "--ticket" => out.ticket = args.next(),
                _ => {}
            }
        }
        out.ticket = out
            .ticket
            .filter(|t| deskbell_wire::looks_like_ticket_id(t));
        (!out.socket.as_os_str().is_empty()).then_some(out)
    }
}

/// The `deskbell-window` program.
pub fn main() -> ExitCode {
    init_logging();
    match Args::parse(std::env::args().skip(1)) {
        Some(a) => run(a),
        None => {
            eprintln!(
                "deskbell-window: error: needs --ipc SOCKET (it is started by deskbell-desktop)"
            );
            ExitCode::FAILURE
        }
    }
}

pub fn run(args: Args) -> ExitCode {
    let stream = match std::os::unix::net::UnixStream::connect(&args.socket) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "deskbell-window: error: cannot reach Deskbell at {}: {e} (start deskbell-desktop)",
                args.socket.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = stream.set_nonblocking(true) {
        eprintln!("deskbell: error: {e}");
        return ExitCode::FAILURE;
    }
    let (client, outgoing) = Client::new();
    let app = tauri::Builder::default()
        .invoke_handler(forward)
        .setup(move |app| {
            app.manage(client.clone());
            build(app.handle(), args.ticket.as_deref())?;
            // Only now say hello: the resident process counts the window as there.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(client.run(handle, stream, outgoing));
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        // Closing the window ends the app (the default).
        Ok(app) => {
            // Closing the window is quitting this process: no need to wait for WebKit to be
            // torn down view by view.
            let code = app.run_return(|app, event| {
                if let tauri::RunEvent::WindowEvent {
                    event: tauri::WindowEvent::CloseRequested { .. },
                    ..
                } = event
                {
                    tracing::info!("window close requested");
                    app.exit(0);
                }
            });
            tracing::info!(code, "window closed");
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Err(e) => {
            eprintln!("deskbell: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn build(app: &AppHandle, ticket: Option<&str>) -> tauri::Result<()> {
    let url = match ticket {
        Some(t) => format!("index.html?ticket={t}"),
        None => "index.html".to_string(),
    };
    let w = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(url.into()))
        .title("Deskbell")
        .inner_size(1180.0, 760.0)
        .min_inner_size(720.0, 480.0)
        .build()?;
    let _ = w.set_focus();
    Ok(())
}

/// Every command: passed on as it came (the capability has already allowed it).
fn forward(invoke: Invoke) -> bool {
    let cmd = invoke.message.command().to_string();
    tracing::debug!(%cmd, "invoke");
    let args = match invoke.message.payload() {
        InvokeBody::Json(v) => v.clone(),
        InvokeBody::Raw(_) => {
            invoke.resolver.reject(ApiError::new(
                "invalid",
                "binary arguments are not accepted",
            ));
            return true;
        }
    };
    let client = invoke.message.webview().state::<Client>().inner().clone();
    invoke.resolver.respond_async(async move {
        client
            .call(cmd, args)
            .await
            .map_err(tauri::ipc::InvokeError::from)
    });
    true
}

type Waiting = Mutex<HashMap<u64, oneshot::Sender<Result<Value, ApiError>>>>;

/// The window's end of the channel: calls wait for their reply by id.
#[derive(Clone)]
pub struct Client {
    next: Arc<AtomicU64>,
    waiting: Arc<Waiting>,
    out: mpsc::UnboundedSender<ToCore>,
}

impl Client {
    fn new() -> (Self, mpsc::UnboundedReceiver<ToCore>) {
        let (out, rx) = mpsc::unbounded_channel();
        let client = Self {
            next: Arc::new(AtomicU64::new(1)),
            waiting: Arc::default(),
            out,
        };
        (client, rx)
    }

    fn waiting(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Result<Value, ApiError>>>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub async fn call(&self, cmd: String, args: Value) -> Result<Value, ApiError> {
        let gone = || {
            ApiError::new(
                "core_gone",
                "Deskbell's core is not answering; open Deskbell again",
            )
        };
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.waiting().insert(id, tx);
        if self.out.send(ToCore::Call { id, cmd, args }).is_err() {
            self.waiting().remove(&id);
            return Err(gone());
        }
        rx.await.unwrap_or_else(|_| Err(gone()))
    }

    async fn run(
        self,
        app: AppHandle,
        stream: std::os::unix::net::UnixStream,
        mut outgoing: mpsc::UnboundedReceiver<ToCore>,
    ) {
        let stream = match tokio::net::UnixStream::from_std(stream) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "window channel");
                return app.exit(1);
            }
        };
        let (read, mut write) = stream.into_split();
        let writer = tauri::async_runtime::spawn(async move {
            if ipc::write(&mut write, &ToCore::Hello).await.is_err() {
                return;
            }
            while let Some(m) = outgoing.recv().await {
                if ipc::write(&mut write, &m).await.is_err() {
                    return;
                }
            }
        });
        let mut reader = BufReader::new(read);
        let mut buf = Vec::new();
        loop {
            match ipc::read::<ToWindow>(&mut reader, &mut buf).await {
                Ok(ToWindow::Reply { id, result }) => {
                    if let Some(tx) = self.waiting().remove(&id) {
                        let _ = tx.send(result);
                    }
                }
                Ok(ToWindow::Event { name, payload }) => {
                    if let Err(e) = app.emit(&name, payload) {
                        tracing::warn!(error = %e, "cannot pass an event to the page");
                    }
                }
                Ok(ToWindow::Open { ticket }) => show(&app, ticket),
                Ok(ToWindow::Close) => break,
                Err(e) => {
                    if !matches!(e, ipc::FrameError::Closed) {
                        tracing::warn!(error = %e, "window channel");
                    }
                    break;
                }
            }
        }
        writer.abort();
        // The resident process quits or is gone: a window without a core is useless.
        tracing::info!("Deskbell is quitting; closing the window");
        self.waiting().clear();
        app.exit(0);
    }
}

fn show(app: &AppHandle, ticket: Option<String>) {
    let Some(w) = app.get_webview_window(LABEL) else {
        return;
    };
    let _ = w.unminimize();
    let _ = w.show();
    let _ = w.set_focus();
    if let Some(ticket_id) = ticket {
        if let Err(e) = w.emit(OPEN_TICKET, OpenTicket { ticket_id }) {
            tracing::warn!(error = %e, "cannot ask the page to open a ticket");
        }
    }
}

/// Logs to stderr; `DESKBELL_LOG` filters (tracing's env-filter syntax).
fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DESKBELL_LOG").unwrap_or_else(|_| {
                "deskbell=info,deskbell_desktop=info,deskbell_window=info,warn".into()
            }),
        )
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn window_arguments() {
        let a = Args::parse(args(&[
            "--window",
            "--ipc",
            "/d/desktop.sock",
            "--ticket",
            "TKT-20261130-0002",
        ]));
        assert_eq!(
            a,
            Some(Args {
                socket: "/d/desktop.sock".into(),
                ticket: Some("TKT-20261130-0002".into()),
            })
        );
        // Not a ticket id: dropped, never put in the page's URL.
        let a = Args::parse(args(&["--ipc", "/s", "--ticket", "x?y=<script>"])).unwrap();
        assert_eq!(a.ticket, None);
        assert_eq!(Args::parse(args(&[])), None);
        assert_eq!(Args::parse(args(&["--ipc"])), None);
    }

    /// build.rs declares one permission per wire command and the capability grants them:
    /// exactly the commands the resident process routes (its own test ties those to the same
    /// list), nothing more.
    #[test]
    fn the_capability_allows_exactly_the_wire_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| {
                p.as_str()?
                    .strip_prefix("allow-")
                    .map(|c| c.replace('-', "_"))
            })
            .collect();
        for name in deskbell_wire::COMMANDS {
            assert!(granted.iter().any(|g| g == name), "capability lacks {name}");
        }
        assert_eq!(
            granted.len(),
            deskbell_wire::COMMANDS.len(),
            "the capability grants more: {granted:?}"
        );
    }
}
