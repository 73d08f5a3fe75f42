//! What a session learns about the server before syncing: its capabilities (IDLE, Gmail's
//! extensions) and which folder is the Sent one (the SPECIAL-USE `\Sent` attribute, RFC 6154).

use super::{ImapError, Session};
use async_imap::types::NameAttribute;
use futures_util::TryStreamExt;

/// The server's capabilities that matter here: (IDLE supported, Gmail extensions present).
pub(super) async fn capabilities(s: &mut Session, server: &str) -> Result<(bool, bool), ImapError> {
    let caps = s
        .capabilities()
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    Ok((caps.has_str("IDLE"), caps.has_str("X-GM-EXT-1")))
}

/// The folder marked `\Sent` (RFC 6154), if the server marks one.
pub(super) async fn sent_folder(
    s: &mut Session,
    server: &str,
) -> Result<Option<String>, ImapError> {
    let names: Vec<_> = s
        .list(Some(""), Some("*"))
        .await
        .map_err(|e| ImapError::protocol(server, e))?
        .try_collect()
        .await
        .map_err(|e| ImapError::protocol(server, e))?;
    Ok(names
        .iter()
        .find(|n| {
            n.attributes()
                .iter()
                .any(|a| matches!(a, NameAttribute::Sent))
        })
        .map(|n| n.name().to_string()))
}
