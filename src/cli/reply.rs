//! `deskbell reply TKT-… --text … [--attach FILE]…`.

use super::Setup;
use anyhow::{Context, Result};
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

#[cfg(test)]
mod tests {
    #[test]
    fn content_types_by_extension() {
        assert_eq!(super::content_type("Invoice.PDF"), "application/pdf");
        assert_eq!(super::content_type("photo.jpeg"), "image/jpeg");
        assert_eq!(super::content_type("noext"), "application/octet-stream");
    }
}
