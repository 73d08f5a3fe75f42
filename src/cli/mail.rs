//! `deskbell mail import FILE…`: .eml or .mbox (e.g. a Gmail Takeout export) through the same
//! pipeline as IMAP; `deskbell mail sync --once`: one IMAP pass over INBOX and Sent;
//! `deskbell mail status`: the outbox and the sending budget; `deskbell mail resend`: failed
//! mail back in the queue.

use super::Setup;
use anyhow::{Context, Result};
use clap::Subcommand;
use deskbell::inbox::InboxError;
use deskbell::mail::import::{import, split_file, Outcome};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum MailCommand {
    /// Import .eml or .mbox files.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Read new mail over IMAP (INBOX and Sent) once and exit; `serve` keeps syncing.
    Sync {
        /// One pass, then exit (the only mode: `serve` runs the continuous sync).
        #[arg(long, required = true)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// Outgoing mail: queued, held by the daily budget, sent in 24 h, budget left, failed.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Send a failed mail again (its id from `mail status`), or every failed one.
    Resend {
        #[arg(required_unless_present = "failed", conflicts_with = "failed")]
        id: Option<i64>,
        #[arg(long)]
        failed: bool,
    },
}

pub async fn run(setup: &Setup, cmd: MailCommand) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let (files, json) = match cmd {
        MailCommand::Import { files, json } => (files, json),
        MailCommand::Sync { json, .. } => return sync_once(setup, &inbox, json).await,
        MailCommand::Status { json } => return status(&inbox, json).await,
        MailCommand::Resend { id, failed } => return resend(&inbox, id, failed).await,
    };
    let ports = inbox.ports();
    let mut results = Vec::new();
    for path in files {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for raw in split_file(&bytes) {
            let outcome = import(&ports, mail_settings(&inbox)?, raw).await?;
            let (what, ticket) = match &outcome {
                Outcome::Duplicate => ("duplicate".to_string(), None),
                Outcome::Appended { ticket_id, rule } => (
                    format!("added to ticket ({rule:?})"),
                    Some(ticket_id.clone()),
                ),
                Outcome::Recorded { ticket_id, rule } => (
                    format!("recorded as the owner's reply ({rule:?})"),
                    Some(ticket_id.clone()),
                ),
                Outcome::Created { ticket_id } => {
                    ("new ticket".to_string(), Some(ticket_id.clone()))
                }
                Outcome::Blocked { ticket_id } => (
                    "from a blocked sender: kept as spam".to_string(),
                    Some(ticket_id.clone()),
                ),
                Outcome::Bounced { ticket_id, to, .. } => (
                    match to {
                        Some(to) => format!("bounce: did not reach {to}"),
                        None => "bounce".to_string(),
                    },
                    ticket_id.clone(),
                ),
                Outcome::Ignored(why) => (format!("ignored: {why}"), None),
            };
            if !json {
                println!(
                    "{}: {what}{}",
                    path.display(),
                    ticket
                        .as_deref()
                        .map(|t| format!(" {t}"))
                        .unwrap_or_default()
                );
            }
            results.push(serde_json::json!({
                "file": path.display().to_string(), "outcome": what, "ticket_id": ticket
            }));
        }
    }
    if json {
        super::output::print_json(&results)?;
    }
    Ok(())
}

/// The inbox's mail settings: importing needs the owner's address.
fn mail_settings(inbox: &deskbell::Inbox) -> Result<&deskbell::mail::MailSettings, InboxError> {
    inbox
        .mail()
        .ok_or_else(|| InboxError::Invalid("set owner.email to import mail".into()))
}

async fn sync_once(setup: &Setup, inbox: &deskbell::Inbox, json: bool) -> Result<()> {
    let Some(owner) = setup.config.owner.email.as_deref() else {
        anyhow::bail!("owner.email is not set: Deskbell cannot tell your replies from visitors'");
    };
    let target = deskbell::mail::imap::Target::from_account(&setup.config.imap, Some(owner))?;
    let opts = deskbell::app::sync_options(&setup.config);
    let mail = mail_settings(inbox)?;
    let passes = deskbell::mail::imap::sync::once(&inbox.ports(), mail, &target, &opts).await?;
    inbox.flush().await?;
    if json {
        let out: Vec<_> = passes
            .iter()
            .map(|p| {
                serde_json::json!({
                    "folder": p.folder,
                    "fetched": p.fetched,
                    "bytes": p.bytes,
                    "outcomes": p.outcomes.iter().map(|o| format!("{o:?}")).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for p in &passes {
            println!(
                "{}: {} new message(s), {} bytes",
                p.folder, p.fetched, p.bytes
            );
            for o in &p.outcomes {
                println!("  {o:?}");
            }
        }
    }
    Ok(())
}

async fn status(inbox: &deskbell::Inbox, json: bool) -> Result<()> {
    let s = inbox.mail_status().await?;
    if json {
        return super::output::print_json(&s);
    }
    println!(
        "Queued:     {}{}",
        s.queued,
        if s.held > 0 {
            format!(" ({} held back by the daily budget)", s.held)
        } else {
            String::new()
        }
    );
    println!(
        "Sent:       {} in the last 24 hours, of {} a day",
        s.sent_last_24h, s.daily_limit
    );
    println!(
        "Budget:     {} more automatic mail(s), {} more of your replies",
        s.automatic_left, s.replies_left
    );
    if let (Some(at), true) = (s.next_slot_at, s.held > 0) {
        println!(
            "Next slot:  {}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    println!("Failed:     {}", s.failed_total);
    for f in &s.failed {
        println!(
            "  {:>5}  {} to {}{}{}: {}",
            f.id,
            f.kind,
            f.to,
            f.ticket_id
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            if f.bounced { ", bounced" } else { "" },
            f.reason
        );
    }
    if s.failed_total > 0 {
        println!(
            "Resend one with `deskbell mail resend ID`, all with `deskbell mail resend --failed`."
        );
    }
    Ok(())
}

async fn resend(inbox: &deskbell::Inbox, id: Option<i64>, all: bool) -> Result<()> {
    if all {
        let n = inbox.resend_failed().await?;
        println!(
            "{n} failed mail(s) queued again; `deskbell serve` (or the desktop app) sends them."
        );
        return Ok(());
    }
    let id = id.context("give a mail id or --failed")?;
    inbox.resend(id).await?;
    println!("Mail {id} queued again; `deskbell serve` (or the desktop app) sends it.");
    Ok(())
}
