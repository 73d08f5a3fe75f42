//! Mail in and out. `compose` builds messages (pure), `marks` makes and checks the threading
//! marks every outgoing message carries, `smtp` talks to the server, `outbox` is the durable
//! queue and its worker.

pub mod bounce;
pub mod budget;
pub mod check;
pub mod classify;
pub mod compose;
pub mod imap;
pub mod import;
pub mod marks;
pub mod outbox;
pub mod parsed;
pub mod reply_text;
pub mod sanitize;
pub mod smtp;
pub mod thread;
pub mod widget_fallback;

use crate::config::Config;
use marks::Secret;

/// What the mail side needs to know about the owner and the install.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub owner_email: String,
    pub owner_name: Option<String>,
    pub business: Option<String>,
    /// `[owner] signature`, trimmed; only the owner's replies carry it.
    pub signature: Option<String>,
    pub confirm_visitor: bool,
    pub plus_addressing: bool,
    /// Which mail that answers no ticket starts one.
    pub new_tickets: crate::config::NewTickets,
    /// Where mail must be addressed to start a ticket under `NewTickets::Support`.
    pub support_address: String,
    pub secret: Secret,
    /// The right-hand side of our Message-IDs (the owner's domain).
    pub domain: String,
    /// Messages that may leave in any 24 hours (see [`budget`]).
    pub daily_send_limit: u32,
    /// Visitor confirmations in any hour, all addresses together.
    pub confirmations_per_hour: u32,
    /// More owner notifications than this in ten minutes go into a digest.
    pub digest_after: u32,
    /// How long a digest gathers before it goes.
    pub digest_every: chrono::Duration,
    pub max_age: chrono::Duration,
    pub account_pause: std::time::Duration,
    pub retry_first_seconds: f64,
    /// File a copy of each mail to a visitor in `\Sent` (`[mail] save_sent`).
    pub save_sent: bool,
}

impl MailSettings {
    /// `None` when no owner address is configured: then no mail is queued at all.
    pub fn from_config(config: &Config, secret: Secret) -> Option<Self> {
        let owner_email = config.owner.email.clone()?;
        let domain = owner_email
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_else(|| "deskbell.invalid".into());
        let support_address = config
            .mail
            .support_address(Some(&owner_email))
            .unwrap_or_else(|| owner_email.clone());
        Some(Self {
            owner_email,
            owner_name: config.owner.name.clone(),
            business: config
                .owner
                .business
                .clone()
                .or_else(|| config.owner.name.clone()),
            signature: config
                .owner
                .signature
                .as_deref()
                .map(|s| s.replace("\r\n", "\n").trim().to_string())
                .filter(|s| !s.is_empty()),
            confirm_visitor: config.mail.confirm_visitor,
            plus_addressing: config.mail.plus_addressing,
            new_tickets: config.mail.new_tickets(),
            support_address,
            secret,
            domain,
            daily_send_limit: config.mail.daily_send_limit,
            confirmations_per_hour: config.mail.confirmations_per_hour,
            digest_after: config.mail.digest_after,
            digest_every: chrono::Duration::minutes(i64::from(config.mail.digest_minutes)),
            max_age: chrono::Duration::hours(i64::from(config.mail.max_age_hours)),
            account_pause: std::time::Duration::from_secs(config.mail.account_pause_seconds),
            retry_first_seconds: f64::from(config.mail.retry_first_seconds.max(1)),
            save_sent: config.mail.saves_sent(&config.smtp),
        })
    }
}
