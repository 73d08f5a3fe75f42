//! The MIME body every kind shares (RFC 2045–2047, RFC 2231): `multipart/alternative` with
//! text then HTML, wrapped in `multipart/mixed` when there are attachments.
//!
//! Boundaries are derived from the Message-ID so the same inputs give the same bytes, and
//! start with `=_`, which neither quoted-printable nor base64 can produce. What goes into the
//! parts (text, HTML, which files) is each kind's business.

use super::text::clean_line;
use super::{AttachmentFile, ComposeError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

/// `alternative(plain, html)`, wrapped in `mixed` with the attachments when there are any.
pub(super) fn body(
    message_id: &str,
    text: &str,
    html: &str,
    attachments: &[AttachmentFile],
) -> Result<MultiPart, ComposeError> {
    // Always QP for text and base64 for files: lettre would pick 7bit for ASCII bytes and
    // leave their bare LFs, and only these two encodings keep the `=_` boundaries unique.
    let qp = |s: &str| {
        Body::new_with_encoding(s.to_string(), ContentTransferEncoding::QuotedPrintable)
            .expect("quoted-printable encodes any text")
    };
    let alternative = MultiPart::alternative()
        .boundary(boundary(message_id, "alt"))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(qp(text)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(qp(html)),
        );
    if attachments.is_empty() {
        return Ok(alternative);
    }
    let mut mixed = MultiPart::mixed()
        .boundary(boundary(message_id, "mix"))
        .multipart(alternative);
    for a in attachments {
        let content_type = ContentType::parse(a.content_type.trim())
            .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
        let data = Body::new_with_encoding(a.data.clone(), ContentTransferEncoding::Base64)
            .expect("base64 encodes any bytes");
        mixed = mixed.singlepart(Attachment::new(file_name(&a.name)).body(data, content_type));
    }
    Ok(mixed)
}

/// `=_deskbell_<kind>_<hash of the Message-ID>`: stable, and never found in a QP or base64 body.
fn boundary(message_id: &str, kind: &str) -> String {
    let digest = hex::encode(Sha256::digest(message_id.trim().as_bytes()));
    format!("=_deskbell_{kind}_{}", &digest[..24])
}

/// What a file of `raw` bytes weighs in the mail: base64 (4 bytes for every 3) in lines of 76
/// characters, each ended by CRLF.
pub fn encoded_size(raw: usize) -> usize {
    let base64 = raw.div_ceil(3) * 4;
    base64 + base64.div_ceil(76) * 2
}

fn file_name(name: &str) -> String {
    let name = clean_line(name).replace(['/', '\\'], "_");
    if name.is_empty() {
        "attachment".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{common, ticket};
    use super::super::owner_reply;
    use super::*;

    #[test]
    fn attachments_get_safe_names_and_a_fallback_type() {
        let t = ticket("Eve", "x");
        let files = [AttachmentFile {
            name: "../../etc/pass\r\nwd".into(),
            content_type: "not a type".into(),
            data: vec![0, 159, 146, 150, b'\n'],
        }];
        let raw = owner_reply(&common(&t), "see file", None, None, &[], &files).unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("Content-Type: multipart/mixed"));
        assert!(text.contains("filename=\".._.._etc_pass wd\""));
        assert!(text.contains("Content-Type: application/octet-stream"));
        assert!(text.contains("Content-Transfer-Encoding: base64\r\n\r\nAJ+Slgo=\r\n"));
    }

    #[test]
    fn the_encoded_size_is_what_the_mail_carries() {
        let t = ticket("Eve", "x");
        for n in [1, 2, 3, 56, 57, 58, 1000, 100_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            let with = |data: Vec<u8>| {
                let files = [AttachmentFile {
                    name: "f.bin".into(),
                    content_type: "application/octet-stream".into(),
                    data,
                }];
                owner_reply(&common(&t), "see file", None, None, &[], &files)
                    .unwrap()
                    .len()
            };
            // The mail grows by the file's encoded size (an empty file's part still holds
            // one line end).
            let grown = with(data) - with(Vec::new());
            assert_eq!(grown, encoded_size(n) - 2, "{n} bytes");
        }
    }
}
