//! The accept loop of the intake listener (and of `deskbell demo`'s page): HTTP/1.1 over
//! hyper, with the limits a public socket needs against hostile or broken clients
//! (docs/architecture.md, "Flow 1: a ticket in"):
//!
//! - a request head (line and headers) must arrive within `header_timeout` of the
//!   connection's start, or of the end of the previous answer (hyper's `header_read_timeout`);
//! - a request body must arrive within `body_timeout` of its head ([`super::timing`]), else
//!   `408 body_timeout` and the connection closes;
//! - a keep-alive connection idle for `idle_timeout` after an answer is closed;
//! - at most `max_connections` in all, and `max_connections_per_address` from one
//!   non-loopback address; at a cap the oldest *waiting* connection is closed to make room
//!   ([`super::conns`]), so the listener keeps answering however many sockets idle at it.
//!
//! Handlers see the peer as `ConnectInfo<SocketAddr>`, as with `axum::serve`. On shutdown it
//! stops accepting, closes waiting connections, lets requests being answered finish for up
//! to [`SHUTDOWN_GRACE`], then closes the rest. It never panics on what a client sends.

use super::conns::{Admitted, Conns, Slot};
use super::timing::{micros_since, AnsweredBody, Answering, DeadlineBody, MeteredStream};
use crate::config::Intake as IntakeConfig;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How long requests being answered may take to finish once shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Descriptors kept free of connections for the rest of the process: the store and its WAL,
/// IMAP and SMTP, the tunnel's pipes, and sockets being closed to make room.
pub const FD_RESERVE: u64 = 256;

/// The most a request head may weigh (hyper's read buffer); a bigger one is answered 431.
/// Also bounds what each waiting connection may make the listener hold.
const MAX_HEAD_BUFFER: usize = 64 * 1024;

/// Between two reports of a listener under pressure.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// The listener's limits (`[intake]`, see `config::Intake`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
}

impl Limits {
    /// From the config, with `max_connections` lowered to fit under the process's soft
    /// open-file limit now (raise it first: `fd_limit::raise`) less [`FD_RESERVE`].
    pub fn from_config(c: &IntakeConfig) -> Self {
        let secs = |s: u32| Duration::from_secs(u64::from(s));
        let mut limits = Self {
            header_timeout: secs(c.header_timeout_seconds),
            body_timeout: secs(c.body_timeout_seconds),
            idle_timeout: secs(c.idle_timeout_seconds),
            max_connections: c.max_connections,
            max_connections_per_address: c.max_connections_per_address,
        };
        if let Some(soft) = super::fd_limit::soft() {
            let room =
                usize::try_from(soft.saturating_sub(FD_RESERVE).max(16)).unwrap_or(usize::MAX);
            if room < limits.max_connections {
                tracing::warn!(
                    open_file_limit = soft,
                    connections = room,
                    "the open-file limit leaves room for only {room} intake connections; \
                     raise it (ulimit -n, or LimitNOFILE= in the service unit) for more"
                );
                limits.max_connections = room;
            }
        }
        limits
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then drains as described above.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let conns = Conns::new(limits.max_connections, limits.max_connections_per_address);
    let (stop, stopped) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut pressure = Pressure::new(limits.max_connections);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match conns.admit(peer.ip()) {
                    Some((slot, how)) => {
                        if how == Admitted::Evicting {
                            pressure.evicted += 1;
                        }
                        let _ = stream.set_nodelay(true);
                        let conn = Connection { app: app.clone(), limits, peer };
                        tasks.spawn(conn.run(stream, slot, stopped.clone()));
                    }
                    None => {
                        pressure.refused += 1;
                        drop(stream);
                    }
                },
                Err(e) if out_of_descriptors(&e) => {
                    pressure.out_of_fds += 1;
                    conns.evict_oldest_waiting();
                    // The socket stays in the kernel's queue; retry once a place is free.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                // The peer gave up before we took it (reset, aborted): nothing to do.
                Err(e) => tracing::debug!(error = %e, "cannot accept an intake connection"),
            },
        }
        pressure.report(&conns);
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = tasks.len(),
            "closing intake connections still busy {} s after stopping",
            SHUTDOWN_GRACE.as_secs()
        );
        tasks.shutdown().await;
    }
}

fn out_of_descriptors(e: &std::io::Error) -> bool {
    use rustix::io::Errno;
    matches!(Errno::from_io_error(e), Some(Errno::MFILE | Errno::NFILE))
}

/// Counts what the caps did, reported at most once a minute so an attack cannot flood the log.
struct Pressure {
    cap: usize,
    evicted: u64,
    refused: u64,
    out_of_fds: u64,
    last: Option<Instant>,
}

impl Pressure {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            evicted: 0,
            refused: 0,
            out_of_fds: 0,
            last: None,
        }
    }

    fn report(&mut self, conns: &Conns) {
        if self.evicted + self.refused + self.out_of_fds == 0
            || self.last.is_some_and(|t| t.elapsed() < REPORT_EVERY)
        {
            return;
        }
        tracing::warn!(
            open = conns.len(),
            cap = self.cap,
            closed_waiting = self.evicted,
            refused_busy = self.refused,
            out_of_descriptors = self.out_of_fds,
            "the intake listener is at its connection limit: closing the oldest idle \
             connections to keep answering (many slow clients, or an attack)"
        );
        self.evicted = 0;
        self.refused = 0;
        self.out_of_fds = 0;
        self.last = Some(Instant::now());
    }
}

/// One accepted connection: what its task needs besides its socket and place.
struct Connection {
    app: Router,
    limits: Limits,
    peer: SocketAddr,
}

impl Connection {
    async fn run(self, stream: TcpStream, slot: Slot, mut stopped: watch::Receiver<bool>) {
        let born = Instant::now();
        let state = slot.state.clone();
        let io = TokioIo::new(MeteredStream::new(stream, state.clone(), born));
        let tower = TowerToHyperService::new(self.app);
        let (peer, body_timeout) = (self.peer, self.limits.body_timeout);
        let service_state = state.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let answering = Answering::start(service_state.clone(), born);
            let deadline = Instant::now() + body_timeout;
            let mut req = req.map(|b| axum::body::Body::new(DeadlineBody::new(b, deadline)));
            req.extensions_mut().insert(ConnectInfo(peer));
            let answer = hyper::service::Service::call(&tower, req);
            async move {
                let resp = answer.await?;
                Ok::<_, std::convert::Infallible>(resp.map(|b| AnsweredBody::new(b, answering)))
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_timeout)
            .max_buf_size(MAX_HEAD_BUFFER)
            .keep_alive(true)
            .serve_connection(io, service);
        let mut conn = std::pin::pin!(conn);
        let idle_us = u64::try_from(self.limits.idle_timeout.as_micros()).unwrap_or(u64::MAX);
        if *stopped.borrow() {
            return;
        }
        let mut stopping = false;
        loop {
            let idle_at = state
                .idle_deadline_us(idle_us)
                .map(|us| born + Duration::from_micros(us));
            tokio::select! {
                done = conn.as_mut() => {
                    if let Err(e) = done {
                        tracing::debug!(error = %e, peer = %peer, "intake connection ended");
                    }
                    break;
                }
                () = state.evicted.notified() => {
                    // Chosen while waiting; if its request began since, answer it first.
                    if state.in_flight() == 0 {
                        tracing::debug!(peer = %peer, "closing a waiting connection to make room");
                        break;
                    }
                    conn.as_mut().graceful_shutdown();
                }
                () = state.idled.notified() => {}
                () = sleep_until(idle_at) => {
                    let due = state.idle_deadline_us(idle_us);
                    if due.is_some_and(|us| us <= micros_since(born)) {
                        tracing::debug!(peer = %peer, "closing an idle keep-alive connection");
                        break;
                    }
                }
                _ = stopped.changed(), if !stopping => {
                    stopping = true;
                    if state.in_flight() == 0 {
                        break;
                    }
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
        drop(slot);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
