//! Attachments out of the store: their bytes for the window, or a copy saved into a folder
//! (the owner's Downloads). Attachment names come from strangers' mail, so a saved file's
//! name is cleaned first ([`safe_file_name`]) and never overwrites anything.

use super::{Inbox, InboxError, Result};
use crate::domain::AttachmentInfo;
use crate::store::listing;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One stored attachment with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentData {
    pub info: AttachmentInfo,
    pub data: Vec<u8>,
}

/// Longest file name kept, in characters (most file systems allow 255 bytes).
const MAX_NAME_CHARS: usize = 120;

/// A name that is safe as a single file in a folder: no directories (`/`, `\`), no `..`, no
/// control characters or characters Windows refuses, no leading dots (hidden files) or
/// trailing dots and spaces, at most 120 characters (the extension kept). Never empty.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' ']);
    let cleaned = if cleaned.chars().count() > MAX_NAME_CHARS {
        let (stem, ext) = match cleaned.rsplit_once('.') {
            Some((s, e)) if e.chars().count() <= 10 && !s.is_empty() => (s, format!(".{e}")),
            _ => (cleaned, String::new()),
        };
        let keep = MAX_NAME_CHARS - ext.chars().count();
        format!("{}{ext}", stem.chars().take(keep).collect::<String>())
    } else {
        cleaned.to_string()
    };
    if cleaned.is_empty() {
        "attachment".to_string()
    } else {
        cleaned
    }
}

/// `report.pdf`, then `report (1).pdf`, `report (2).pdf` …
fn numbered(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

impl Inbox {
    /// The attachment with row `id` (from [`AttachmentInfo::id`]) and its bytes.
    pub async fn attachment(&self, id: i64) -> Result<AttachmentData> {
        let (info, data) = self.store.read(move |c| listing::attachment(c, id)).await?;
        Ok(AttachmentData { info, data })
    }

    /// Saves attachment `id` into `dir` under its cleaned name, numbered if that name is
    /// taken (an existing file is never replaced). Returns the path written.
    pub async fn save_attachment(&self, id: i64, dir: &Path) -> Result<PathBuf> {
        let a = self.attachment(id).await?;
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || write_new(&dir, &safe_file_name(&a.info.name), &a.data))
            .await
            .map_err(|_| InboxError::Store(crate::store::StoreError::Panicked))?
    }
}

fn write_new(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    let err = |path: &Path, source| InboxError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    for n in 0..1000 {
        let path = dir.join(numbered(name, n));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(data).map_err(|e| err(&path, e))?;
                f.sync_all().map_err(|e| err(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err(&path, e)),
        }
    }
    let path = dir.join(name);
    Err(err(
        &path,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "1000 copies already exist",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_mail_cannot_escape_the_folder() {
        for (raw, want) in [
            ("report.pdf", "report.pdf"),
            ("../../.bashrc", "bashrc"),
            ("C:\\Windows\\evil.exe", "evil.exe"),
            ("/etc/passwd", "passwd"),
            ("..", "attachment"),
            ("", "attachment"),
            ("a\u{0}b\r\n.txt", "a_b__.txt"),
            ("what?<now>.txt", "what__now_.txt"),
            ("trailing. . ", "trailing"),
            ("Überweisung März.pdf", "Überweisung März.pdf"),
        ] {
            assert_eq!(safe_file_name(raw), want, "{raw:?}");
        }
        let long = format!("{}.pdf", "x".repeat(300));
        let got = safe_file_name(&long);
        assert_eq!(got.chars().count(), MAX_NAME_CHARS);
        assert!(got.ends_with(".pdf"));
    }

    #[test]
    fn numbering_keeps_the_extension() {
        assert_eq!(numbered("a.pdf", 0), "a.pdf");
        assert_eq!(numbered("a.pdf", 2), "a (2).pdf");
        assert_eq!(numbered("README", 1), "README (1)");
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_new(dir.path(), "x.txt", b"one").unwrap();
        let b = write_new(dir.path(), "x.txt", b"two").unwrap();
        assert_eq!(a.file_name().unwrap(), "x.txt");
        assert_eq!(b.file_name().unwrap(), "x (1).txt");
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
    }
}
