//! The running Deskbell: store, inbox and the intake listener on one tokio runtime (the CLI's
//! own, or Tauri's in the desktop). [`Deskbell::start`] launches the tasks and returns a
//! handle; [`Deskbell::stop`] finishes in-flight requests (each answered only after its
//! commit) before returning, so stopping never loses an accepted ticket. The managed tunnel
//! (`crate::tunnel`, `[tunnel] command`) starts once the listener is bound and is ended after
//! it, so requests in flight through the tunnel are answered first. The snooze waker
//! (`inbox::run_snooze_waker`) runs beside the outbox and the sync.

use crate::clock::{SharedClock, SystemClock};
use crate::config::{CommitSetting, Config};
use crate::inbox::Inbox;
use crate::mail::imap::sync::{SyncHealth, SyncOptions, SyncState};
use crate::store::{CommitMode, Store};
use crate::tunnel::{Tunnel, TunnelOptions, TunnelState};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::inbox::Event;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the store")]
    Store(#[from] crate::store::StoreError),
    #[error("cannot read the install key in the data directory")]
    Secret(#[source] std::io::Error),
    #[error("cannot set up sending mail")]
    Smtp(#[from] crate::mail::smtp::SmtpError),
    #[error("cannot set up reading mail")]
    Imap(#[from] crate::mail::imap::ImapError),
    #[error("cannot listen on {addr} (is another Deskbell running?)")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub struct Deskbell {
    inbox: Inbox,
    intake_addr: SocketAddr,
    stop: watch::Sender<bool>,
    intake: JoinHandle<()>,
    outbox: Option<JoinHandle<()>>,
    sync: Option<JoinHandle<()>>,
    waker: JoinHandle<()>,
    /// The daily backup (`crate::backup::run_daily`), unless `[backup] keep = 0`.
    backups: Option<JoinHandle<()>>,
    /// Copies of sent mail for Sent (`mail::imap::sent_copy`), when `[mail] save_sent` says so.
    sent_copies: Option<JoinHandle<()>>,
    /// The store watcher's thread (see `inbox::spawn_store_watch`).
    watch: Option<std::thread::JoinHandle<()>>,
    sync_health: SyncHealth,
    tunnel: Tunnel,
}

/// Opens the store for `config` in `data_dir` (used by `start` and by one-shot CLI commands).
pub fn open_inbox(
    config: &Config,
    data_dir: &Path,
    clock: SharedClock,
) -> Result<Inbox, StartError> {
    let mode = match config.store.commit {
        CommitSetting::Group => CommitMode::Group,
        CommitSetting::Naive => CommitMode::Naive,
    };
    let store = Store::open_in(data_dir, mode)?;
    let inbox = Inbox::new(store, clock, config.owner_tz());
    if config.owner.email.is_none() {
        return Ok(inbox);
    }
    let secret = crate::secrets::install_secret(data_dir).map_err(StartError::Secret)?;
    Ok(
        match crate::mail::MailSettings::from_config(config, secret) {
            Some(settings) => inbox.with_mail(settings),
            None => inbox,
        },
    )
}

impl Deskbell {
    pub async fn start(config: &Config, data_dir: &Path) -> Result<Self, StartError> {
        // Before anything opens a descriptor: the listener's connection cap is sized to it.
        crate::intake::fd_limit::raise();
        let inbox = open_inbox(config, data_dir, Arc::new(SystemClock))?;
        let addr = config.listen_addr();
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
        let intake_addr = listener
            .local_addr()
            .map_err(|source| StartError::Listen { addr, source })?;
        let reach = crate::reach::ReachKey::load(data_dir).map_err(StartError::Secret)?;
        let app = crate::intake::router(inbox.clone(), &config.intake, reach);
        let limits = crate::intake::listen::Limits::from_config(&config.intake);
        let (stop, mut stopped) = watch::channel(false);
        let smtp_set = config.smtp.host.is_some() || config.smtp.preset.is_some();
        let outbox = match (smtp_set, inbox.mail()) {
            (true, Some(m)) => {
                let smtp = crate::mail::smtp::Smtp::new(&config.smtp, Some(&m.owner_email))?;
                Some(tokio::spawn(crate::mail::outbox::run(
                    inbox.ports(),
                    m.clone(),
                    smtp,
                    stop.subscribe(),
                )))
            }
            _ => {
                tracing::info!("mail is off: set owner.email and smtp.host to send mail");
                None
            }
        };
        // Snoozed tickets come back by themselves (first those that came due while stopped).
        let waker = tokio::spawn(crate::inbox::run_snooze_waker(
            inbox.ports(),
            stop.subscribe(),
        ));
        // The daily backup ([backup]; keep = 0 turns it off).
        let backups = (config.backup.keep > 0).then(|| {
            tokio::spawn(crate::backup::run_daily(
                data_dir.to_path_buf(),
                config.backup.dir_for(data_dir),
                config.backup.keep as usize,
                crate::backup::FIRST_LOOK,
                Arc::new(SystemClock),
                stop.subscribe(),
            ))
        });
        // Work another process queued in the same store (the CLI beside `serve`) starts at once.
        let watch = crate::inbox::spawn_store_watch(inbox.ports(), stop.subscribe());
        let sync_health = SyncHealth::default();
        let imap_set = config.imap.host.is_some() || config.imap.preset.is_some();
        let mut sent_copies = None;
        let sync = match (imap_set, inbox.mail()) {
            (true, Some(m)) => {
                let target =
                    crate::mail::imap::Target::from_account(&config.imap, Some(&m.owner_email))?;
                // Copies in Sent where the SMTP server makes none ([mail] save_sent).
                if m.save_sent {
                    sent_copies = Some(tokio::spawn(crate::mail::imap::sent_copy::run(
                        inbox.ports(),
                        target.clone(),
                        stop.subscribe(),
                    )));
                }
                Some(tokio::spawn(crate::mail::imap::sync::run(
                    inbox.ports(),
                    m.clone(),
                    target,
                    sync_options(config),
                    sync_health.clone(),
                    stop.subscribe(),
                )))
            }
            _ => {
                tracing::info!(
                    "reading mail is off: set owner.email and imap.host to read replies"
                );
                None
            }
        };
        let intake = tokio::spawn(crate::intake::listen::serve(
            listener,
            app,
            limits,
            async move {
                let _ = stopped.wait_for(|s| *s).await;
            },
        ));
        tracing::info!(%intake_addr, "intake listening");
        let tunnel = Tunnel::start(
            config.tunnel.argv(),
            intake_addr,
            inbox.ports(),
            TunnelOptions::default(),
        );
        Ok(Self {
            inbox,
            intake_addr,
            stop,
            intake,
            outbox,
            sync,
            waker,
            watch,
            backups,
            sent_copies,
            sync_health,
            tunnel,
        })
    }

    /// How the IMAP sync is doing (Off when reading mail is not configured).
    pub fn sync_state(&self) -> SyncState {
        self.sync_health.get()
    }

    /// How the managed tunnel is doing (NotConfigured without `[tunnel] command`).
    pub fn tunnel_state(&self) -> TunnelState {
        self.tunnel.state()
    }

    /// The tunnel's state as it changes.
    pub fn watch_tunnel(&self) -> watch::Receiver<TunnelState> {
        self.tunnel.watch()
    }

    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    pub fn intake_addr(&self) -> SocketAddr {
        self.intake_addr
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.inbox.subscribe()
    }

    /// Stops accepting, lets in-flight requests finish, ends the tunnel, and waits for the
    /// store to be idle.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.intake.await {
            tracing::warn!(error = %e, "intake task failed");
        }
        self.tunnel.stop().await;
        if let Some(outbox) = self.outbox {
            let _ = outbox.await;
        }
        if let Some(sync) = self.sync {
            let _ = sync.await;
        }
        let _ = self.waker.await;
        if let Some(backups) = self.backups {
            let _ = backups.await;
        }
        if let Some(copies) = self.sent_copies {
            let _ = copies.await;
        }
        if let Some(watch) = self.watch {
            let _ = tokio::task::spawn_blocking(move || watch.join()).await;
        }
        let _ = self.inbox.flush().await;
    }
}

/// The sync's timing from the `[mail]` section.
pub fn sync_options(config: &Config) -> SyncOptions {
    SyncOptions {
        first_sync_days: config.mail.first_sync_days,
        idle_refresh: std::time::Duration::from_secs(
            u64::from(config.mail.idle_refresh_minutes) * 60,
        ),
        poll: std::time::Duration::from_secs(u64::from(config.mail.poll_seconds)),
        ..SyncOptions::default()
    }
}
