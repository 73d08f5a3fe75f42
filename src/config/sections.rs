//! The plain sections of the config file, `[owner]`, `[intake]`, `[mail]`, `[store]` and
//! `[tunnel]`, with their defaults: what an install without a config file runs with. Unknown
//! keys are refused (`deny_unknown_fields`) so a typo fails loudly instead of silently using a
//! default.
//!
//! Server accounts (`[smtp]`, `[imap]`) are in `account`; checks across values (time zone,
//! addresses, ranges, the tunnel's quoting) are in `validate`, since serde only checks types.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Owner {
    pub email: Option<String>,
    pub name: Option<String>,
    /// The business name shown to visitors (defaults to the owner's name).
    pub business: Option<String>,
    /// IANA zone name; the system's zone when absent.
    pub timezone: Option<String>,
    /// Lines put below each reply the owner sends (after a `-- ` line); never on automatic
    /// mail. Multi-line; blank means none.
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intake {
    pub listen: String,
    /// The address visitors reach through the tunnel (used in the widget snippet).
    pub public_url: Option<String>,
    /// `false`: the client is the socket peer. `true`: trust `X-Forwarded-For`. A header name
    /// (e.g. `"cf-connecting-ip"`): trust that header. Only turn on behind a tunnel that sets it.
    pub trust_forwarded_header: ForwardedHeader,
    pub client_rate_per_minute: u32,
    pub global_rate_per_second: u32,
    pub max_body_bytes: usize,
    /// A request's head (line and headers) must arrive within this many seconds of the
    /// connection's start or of the previous answer (`intake::listen`).
    pub header_timeout_seconds: u32,
    /// A request's body must arrive within this many seconds of its head, else 408.
    pub body_timeout_seconds: u32,
    /// A keep-alive connection idle this long after an answer is closed (at most the
    /// header timeout in effect).
    pub idle_timeout_seconds: u32,
    /// Open connections for everybody together (lowered to fit the open-file limit); at the
    /// cap the oldest waiting connection is closed to make room.
    pub max_connections: usize,
    /// Open connections from one address (IPv4, or IPv6 /64); not applied to loopback peers,
    /// which behind a tunnel are everybody.
    pub max_connections_per_address: usize,
}

impl Default for Intake {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:7878".into(),
            public_url: None,
            trust_forwarded_header: ForwardedHeader::default(),
            client_rate_per_minute: 20,
            global_rate_per_second: 50,
            max_body_bytes: 64 * 1024,
            header_timeout_seconds: 10,
            body_timeout_seconds: 15,
            idle_timeout_seconds: 5,
            max_connections: 1024,
            max_connections_per_address: 64,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ForwardedHeader {
    Flag(bool),
    Header(String),
}

impl Default for ForwardedHeader {
    fn default() -> Self {
        Self::Flag(false)
    }
}

impl ForwardedHeader {
    /// The header to read the client address from, if any (lower case).
    pub fn header(&self) -> Option<String> {
        match self {
            Self::Flag(false) => None,
            Self::Flag(true) => Some("x-forwarded-for".into()),
            Self::Header(h) if h.trim().is_empty() => None,
            Self::Header(h) => Some(h.trim().to_ascii_lowercase()),
        }
    }
}

/// Which mail that answers no ticket may start a new one (`[mail] new_tickets`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NewTickets {
    /// Only mail addressed to the support address (`[mail] support_address`).
    #[default]
    Support,
    /// Any mail from a person (not automatic, not a list, not the owner's own).
    All,
    /// None: tickets come from the website form only; replies still thread.
    Off,
}

impl NewTickets {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::All => "all",
            Self::Off => "off",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mail {
    pub confirm_visitor: bool,
    pub plus_addressing: bool,
    /// Unset: from the older `tickets_from_email` if a config still has it, else "support".
    pub new_tickets: Option<NewTickets>,
    /// The address mail must be sent to for `new_tickets = "support"` (and the one the
    /// widget's mail fallback writes to). Unset: the owner's plus-address with the tag
    /// `support` (`rosa+support@gmail.com`).
    pub support_address: Option<String>,
    /// Before `new_tickets`: true meant every mail from a person, false none.
    pub tickets_from_email: Option<bool>,
    /// Messages the account may send in any 24 hours (personal Gmail stops at about 500 a
    /// day, Workspace at 2,000). Automatic mail stops at 80 % of it; the owner's replies may
    /// use all of it.
    pub daily_send_limit: u32,
    /// Visitor confirmations in any hour, all addresses together (besides the per-address cap).
    pub confirmations_per_hour: u32,
    /// More owner notifications than this in 10 minutes and the next ones go into a digest.
    pub digest_after: u32,
    /// A digest goes out this often while notifications keep coming fast.
    pub digest_minutes: u32,
    /// How long a mail that keeps failing transiently is retried before it is given up.
    pub max_age_hours: u32,
    /// After the server refuses the account (password, TLS), sending pauses this long.
    pub account_pause_seconds: u64,
    /// The first retry delay of a transient failure; each retry doubles it (max one hour).
    pub retry_first_seconds: u32,
    /// How far back the first IMAP sync looks for replies to tickets.
    pub first_sync_days: u32,
    /// IDLE is re-issued after this many minutes (servers may end it after 30).
    pub idle_refresh_minutes: u32,
    /// Without IDLE, the mailbox is checked this often.
    pub poll_seconds: u32,
    /// Whether Deskbell files a copy of what it sends to visitors in the `\Sent` folder
    /// (over IMAP): `auto` does where the SMTP server does not (Gmail and Outlook do).
    pub save_sent: SaveSent,
}

/// `[mail] save_sent`.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SaveSent {
    /// Never on Gmail's or Outlook's servers (they file SMTP-sent mail themselves), always
    /// elsewhere.
    #[default]
    Auto,
    Always,
    Never,
}

impl Default for Mail {
    fn default() -> Self {
        Self {
            confirm_visitor: true,
            plus_addressing: true,
            new_tickets: None,
            support_address: None,
            tickets_from_email: None,
            daily_send_limit: 400,
            confirmations_per_hour: 30,
            digest_after: 5,
            digest_minutes: 10,
            max_age_hours: 48,
            account_pause_seconds: 900,
            retry_first_seconds: 30,
            first_sync_days: 30,
            idle_refresh_minutes: 25,
            poll_seconds: 60,
            save_sent: SaveSent::Auto,
        }
    }
}

impl Mail {
    /// Whether to file copies in Sent for mail sent through `smtp` (see [`SaveSent`]).
    pub fn saves_sent(&self, smtp: &crate::config::Account) -> bool {
        match self.save_sent {
            SaveSent::Always => true,
            SaveSent::Never => false,
            SaveSent::Auto => {
                let host = smtp
                    .host_or_preset("smtp.gmail.com")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let files_itself = [
                    "gmail.com",
                    "googlemail.com",
                    "outlook.com",
                    "office365.com",
                ];
                !files_itself
                    .iter()
                    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
            }
        }
    }

    /// Which mail may start a ticket: `new_tickets`, else what `tickets_from_email` meant.
    pub fn new_tickets(&self) -> NewTickets {
        self.new_tickets.unwrap_or(match self.tickets_from_email {
            Some(true) => NewTickets::All,
            Some(false) => NewTickets::Off,
            None => NewTickets::Support,
        })
    }

    /// The support address: as set, else `owner+support@domain`; `None` without an owner.
    pub fn support_address(&self, owner_email: Option<&str>) -> Option<String> {
        if let Some(a) = self.support_address.as_deref().map(str::trim) {
            if !a.is_empty() {
                return Some(a.to_string());
            }
        }
        let (local, domain) = owner_email?.trim().rsplit_once('@')?;
        let base = local.split('+').next().unwrap_or(local);
        Some(format!("{base}+support@{domain}"))
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `"group"` (default) or `"naive"` (one transaction per write; for comparison only).
    pub commit: CommitSetting,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CommitSetting {
    #[default]
    Group,
    Naive,
}

/// `[tunnel]`: a program Deskbell runs beside itself to make the intake listener public.
/// Its arguments may hold a secret (`cloudflared tunnel run --token …`), so `Debug` and the
/// logs show the program's name only.
/// `[backup]`: the daily backups (`crate::backup`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Backup {
    /// Where the daily backups go (default `backups` in the data directory). A folder your
    /// file sync copies off the machine is a good choice.
    pub dir: Option<std::path::PathBuf>,
    /// How many daily backups to keep (newest first); 0 turns daily backups off.
    pub keep: u32,
}

impl Default for Backup {
    fn default() -> Self {
        Self { dir: None, keep: 7 }
    }
}

impl Backup {
    /// The folder of the daily backups for the store in `data_dir`.
    pub fn dir_for(&self, data_dir: &std::path::Path) -> std::path::PathBuf {
        self.dir.clone().unwrap_or_else(|| data_dir.join("backups"))
    }
}

#[derive(Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Tunnel {
    /// e.g. `"cloudflared tunnel run shop"`: split into words with shell-like quoting, never
    /// run through a shell (`crate::tunnel::split`). Unset or blank: no tunnel.
    pub command: Option<String>,
}

impl Tunnel {
    /// The program and its arguments; empty when no tunnel is set. Validated at load, so a
    /// command that cannot be split (checked there) reads as none.
    pub fn argv(&self) -> Vec<String> {
        self.command
            .as_deref()
            .and_then(|c| crate::tunnel::split(c).ok())
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let program = self.argv().into_iter().next();
        f.debug_struct("Tunnel")
            .field("program", &program)
            .finish_non_exhaustive()
    }
}
