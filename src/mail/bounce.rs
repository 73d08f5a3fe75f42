//! What a bounce (a delivery status report) says: which of our messages it returns, and why.
//! Read from the raw message, since the report and the returned headers are MIME parts of
//! their own that the text body leaves out.

use super::parsed::Parsed;

/// Message-IDs a bounce may name: its own references and the headers of the returned mail.
pub fn candidates(p: &Parsed, raw: &[u8]) -> Vec<String> {
    let mut ids: Vec<String> = p.in_reply_to.iter().chain(&p.references).cloned().collect();
    let text = String::from_utf8_lossy(raw);
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("message-id:") {
            let start = line.len() - rest.len();
            let v = line[start..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            if !v.is_empty() && !ids.iter().any(|i| i == v) && Some(v) != p.message_id.as_deref() {
                ids.push(v.to_string());
            }
        }
    }
    ids
}

/// Why a mail bounced, in the receiving server's words: the delivery report's
/// `Diagnostic-Code` (its `smtp;` type dropped), else its `Status`, else the subject. The
/// report is a MIME part of its own, so it is read from the raw message, not the text body.
pub fn reason(p: &Parsed, raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let field = |name: &str| {
        text.lines()
            .chain(p.body.lines())
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
            })
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.split_once(';')
                    .map_or(v, |(_, rest)| rest.trim())
                    .to_string()
            })
    };
    field("diagnostic-code")
        .or_else(|| field("status").map(|s| format!("delivery status {s}")))
        .unwrap_or_else(|| format!("bounced: {}", p.subject))
        .chars()
        .take(300)
        .collect()
}
