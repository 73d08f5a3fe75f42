//! `deskbell reply TKT-… --text … [--attach FILE]…` and `deskbell doctor`.

use super::Setup;
use anyhow::{bail, Context, Result};
use deskbell::domain::TicketId;
use deskbell::mail::compose::AttachmentFile;
use std::path::PathBuf;

pub async fn reply(setup: &Setup, id: TicketId, text: String, attach: Vec<PathBuf>) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let mut files = Vec::new();
    for path in attach {
        let data =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".into());
        files.push(AttachmentFile {
            content_type: content_type(&name).to_string(),
            name,
            data,
        });
    }
    let mid = inbox.reply(&id, &text, files).await?;
    println!("Reply to {id} queued (Message-ID <{mid}>); `deskbell serve` sends it.");
    Ok(())
}

fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("txt" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("zip") => "application/zip",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// Checks the config and logs in to SMTP and IMAP, saying what is wrong in plain words.
pub async fn doctor(setup: &Setup) -> Result<()> {
    println!("Config:   ok");
    println!("Data dir: {}", setup.data_dir.display());
    let Some(owner) = &setup.config.owner.email else {
        bail!("owner.email is not set: Deskbell does not know where to send notifications");
    };
    println!("Owner:    {owner}");
    let smtp_result = match deskbell::mail::smtp::Smtp::new(&setup.config.smtp, Some(owner)) {
        Ok(smtp) => {
            print!("SMTP:     {} … ", smtp.server());
            let r = smtp.check().await;
            match &r {
                Ok(()) => println!("logged in"),
                Err(e) => println!("FAILED: {e}"),
            }
            r
        }
        Err(e) => {
            println!("SMTP:     {e}");
            Err(e)
        }
    };
    let imap = &setup.config.imap;
    let imap_result = if imap.host.is_none() && imap.preset.is_none() {
        println!("IMAP:     not configured (set imap.host or imap.preset to read replies)");
        Ok(())
    } else {
        check_imap(imap, owner).await
    };
    match (smtp_result, imap_result) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), _) => bail!("{e}"),
        (_, Err(e)) => bail!("{e}"),
    }
}

async fn check_imap(account: &deskbell::config::Account, owner: &str) -> Result<()> {
    let target = deskbell::mail::imap::Target::from_account(account, Some(owner))?;
    print!("IMAP:     {} … ", target.server());
    match deskbell::mail::imap::sync::check(&target).await {
        Ok((count, sent)) => {
            println!(
                "logged in; INBOX holds {count} message(s); sent mail: {}",
                sent.as_deref()
                    .unwrap_or("no \\Sent folder (replies sent from other apps are not read)")
            );
            Ok(())
        }
        Err(e) => {
            println!("FAILED: {e}");
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_types_by_extension() {
        assert_eq!(super::content_type("Invoice.PDF"), "application/pdf");
        assert_eq!(super::content_type("photo.jpeg"), "image/jpeg");
        assert_eq!(super::content_type("noext"), "application/octet-stream");
    }
}
