//! `deskbell mail import FILE…`: .eml or .mbox (e.g. a Gmail Takeout export) through the same
//! pipeline as IMAP.

use super::Setup;
use anyhow::{Context, Result};
use clap::Subcommand;
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
}

pub async fn run(setup: &Setup, cmd: MailCommand) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let MailCommand::Import { files, json } = cmd;
    let mut results = Vec::new();
    for path in files {
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for raw in split_file(&bytes) {
            let outcome = import(&inbox, raw).await?;
            let (what, ticket) = match &outcome {
                Outcome::Duplicate => ("duplicate".to_string(), None),
                Outcome::Appended { ticket_id, rule } => (
                    format!("added to ticket ({rule:?})"),
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
