//! `deskbell mail import FILE…`: .eml or .mbox (e.g. a Gmail Takeout export) through the same
//! pipeline as IMAP; `deskbell mail sync --once`: one IMAP pass over INBOX and Sent.

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
}

pub async fn run(setup: &Setup, cmd: MailCommand) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let (files, json) = match cmd {
        MailCommand::Import { files, json } => (files, json),
        MailCommand::Sync { json, .. } => return sync_once(setup, &inbox, json).await,
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
                Outcome::Bounced { ticket_id } => ("bounce".to_string(), ticket_id.clone()),
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
