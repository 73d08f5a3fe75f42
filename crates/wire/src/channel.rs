//! The local channel between Deskbell's two processes.
//!
//! The resident process (core, tray, notifications) stays small: it never loads a web view.
//! The window is a process of its own (`deskbell-window`), started on demand and
//! gone when the window closes, so closing the window gives back all of WebKit's memory. The
//! window reaches the core through this channel: one Unix socket in the data directory (mode
//! 0600, and a connecting process must belong to the same user), one JSON object per line.
//!
//! - window → core: `{"type":"hello"}` first (this connection is the window), then
//!   `{"type":"call","id":1,"cmd":"get_ticket","args":{"ticketId":"TKT-…"}}`
//! - a second launch → core: `{"type":"open","ticket":null}` (show the window)
//! - core → window: `{"type":"reply","id":1,"result":{"Ok":…}}` (or `{"Err":{code,message}}`),
//!   `{"type":"event","name":"deskbell:event","payload":…}` (live updates),
//!   `{"type":"open","ticket":"TKT-…"}` (come forward, optionally on one ticket) and
//!   `{"type":"close"}` (Deskbell is quitting).
//!
//! When the resident process ends, the window's connection closes and the window quits too.

use crate::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A line longer than this ends the connection (a reply with attachments is far below it).
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// The socket's file name inside the data directory.
pub const SOCKET: &str = "desktop.sock";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToCore {
    Hello,
    Call { id: u64, cmd: String, args: Value },
    Open { ticket: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWindow {
    Reply {
        id: u64,
        result: Result<Value, ApiError>,
    },
    Event {
        name: String,
        payload: Value,
    },
    Open {
        ticket: Option<String>,
    },
    Close,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the other side closed the channel")]
    Closed,
    #[error("a message longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("a malformed message: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads one message (one line). `buf` is reused between calls.
pub async fn read<T: serde::de::DeserializeOwned>(
    reader: &mut (impl AsyncBufRead + Unpin),
    buf: &mut Vec<u8>,
) -> Result<T, FrameError> {
    buf.clear();
    let limit = u64::try_from(MAX_LINE + 1).unwrap_or(u64::MAX);
    let n = reader.take(limit).read_until(b'\n', buf).await?;
    if n == 0 {
        return Err(FrameError::Closed);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if buf.len() > MAX_LINE {
            FrameError::TooLong
        } else {
            FrameError::Closed
        });
    }
    Ok(serde_json::from_slice(buf)?)
}

/// Writes one message as one line.
pub async fn write<T: Serialize>(
    writer: &mut (impl AsyncWrite + Unpin),
    message: &T,
) -> Result<(), FrameError> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    writer.write_all(&line).await?;
    writer.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::io::BufReader;

    #[tokio::test]
    async fn messages_round_trip_one_per_line() {
        let (a, b) = tokio::io::duplex(1 << 16);
        let (_, mut w) = tokio::io::split(a);
        let (r, _) = tokio::io::split(b);
        let mut r = BufReader::new(r);
        let call = ToCore::Call {
            id: 7,
            cmd: "get_ticket".into(),
            args: json!({"ticketId": "TKT-20261130-0001"}),
        };
        let err = ToWindow::Reply {
            id: 7,
            result: Err(ApiError::new("not_found", "no such ticket")),
        };
        write(&mut w, &call).await.unwrap();
        write(&mut w, &err).await.unwrap();
        let mut buf = Vec::new();
        assert_eq!(read::<ToCore>(&mut r, &mut buf).await.unwrap(), call);
        assert_eq!(read::<ToWindow>(&mut r, &mut buf).await.unwrap(), err);
        drop(w);
        assert!(matches!(
            read::<ToWindow>(&mut r, &mut buf).await,
            Err(FrameError::Closed)
        ));
    }

    #[tokio::test]
    async fn garbage_and_oversized_lines_are_errors_not_panics() {
        let mut buf = Vec::new();
        let mut r = BufReader::new(&b"{not json}\n"[..]);
        assert!(matches!(
            read::<ToCore>(&mut r, &mut buf).await,
            Err(FrameError::Malformed(_))
        ));
        let long = vec![b'x'; MAX_LINE + 10];
        let mut r = BufReader::new(&long[..]);
        assert!(matches!(
            read::<ToCore>(&mut r, &mut buf).await,
            Err(FrameError::TooLong)
        ));
        // A line cut short by the peer going away.
        let mut r = BufReader::new(&br#"{"type":"call""#[..]);
        assert!(matches!(
            read::<ToCore>(&mut r, &mut buf).await,
            Err(FrameError::Closed)
        ));
    }
}
