//! What kind of mail is this: a person writing, an automatic reply, a bounce, list mail?
//! Rules (RFC 3834 and what mail systems actually send): `Auto-Submitted` other than `no`,
//! `X-Autoreply`, `X-Autorespond`, `Precedence: bulk|junk|list|auto_reply`, `List-Id`,
//! `X-Auto-Response-Suppress` are automatic; `multipart/report` or a MAILER-DAEMON /
//! postmaster sender is a bounce. Automatic mail never creates tickets and never triggers mail.

use super::parsed::Parsed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    AutoReply,
    Bounce,
    List,
}

pub fn classify(p: &Parsed) -> Kind {
    let from = p.from_email().unwrap_or("");
    let local = from.split('@').next().unwrap_or("");
    if p.is_report
        || local.eq_ignore_ascii_case("mailer-daemon")
        || local.eq_ignore_ascii_case("postmaster")
    {
        return Kind::Bounce;
    }
    if p.header("List-Id").is_some() || p.header("List-Unsubscribe").is_some() {
        return Kind::List;
    }
    let auto_submitted = p
        .header("Auto-Submitted")
        .map(|v| !v.trim().eq_ignore_ascii_case("no"))
        .unwrap_or(false);
    let precedence = p.header("Precedence").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "bulk" | "junk" | "list" | "auto_reply"
        )
    });
    if auto_submitted
        || precedence
        || p.header("X-Autoreply").is_some()
        || p.header("X-Autorespond").is_some()
        || p.header("X-Autoresponse").is_some()
    {
        return Kind::AutoReply;
    }
    Kind::Person
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(headers: &str) -> Parsed {
        let raw = format!("{headers}Subject: x\r\nMessage-ID: <a@b>\r\n\r\nhello\r\n");
        Parsed::parse(raw.as_bytes())
    }

    #[test]
    fn kinds() {
        assert_eq!(
            classify(&parsed("From: Ana <ana@example.com>\r\n")),
            Kind::Person
        );
        assert_eq!(
            classify(&parsed("From: ana@example.com\r\nAuto-Submitted: no\r\n")),
            Kind::Person
        );
        for h in [
            "Auto-Submitted: auto-replied\r\n",
            "X-Autoreply: yes\r\n",
            "Precedence: bulk\r\n",
            "X-Autorespond: Out of office\r\n",
        ] {
            let p = parsed(&format!("From: ana@example.com\r\n{h}"));
            assert_eq!(classify(&p), Kind::AutoReply, "{h}");
        }
        assert_eq!(
            classify(&parsed(
                "From: news@shop.example\r\nList-Id: <news.shop.example>\r\n"
            )),
            Kind::List
        );
        assert_eq!(
            classify(&parsed("From: MAILER-DAEMON@mx.example\r\n")),
            Kind::Bounce
        );
        let report = "From: postmaster@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n";
        assert_eq!(classify(&parsed(report)), Kind::Bounce);
    }
}
