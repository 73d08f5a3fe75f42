//! The HTML part: the templates under `mail/templates/`, the one-pass `{{slot}}` filler, and
//! the small markup pieces (pill, links, issue box) the kinds put into them.
//!
//! Everything that reaches HTML from an input goes through `escape`; only http(s) URLs become
//! links, so a `javascript:` or `data:` page URL stays inert text. Styles are inline, as in
//! the templates, since many mail clients ignore `<style>`. Which slots a kind fills, and with
//! what, stays with that kind.

use crate::domain::TicketId;

pub(super) const LAYOUT: &str = include_str!("../templates/layout.html");
pub(super) const NOTIFICATION: &str = include_str!("../templates/notification.html");
pub(super) const CONFIRMATION: &str = include_str!("../templates/confirmation.html");
pub(super) const REPLY: &str = include_str!("../templates/reply.html");
pub(super) const ROW: &str = include_str!("../templates/row.html");
pub(super) const ISSUE: &str = include_str!("../templates/issue.html");

const PILL: &str = "display:inline-block;padding:2px 10px;border-radius:999px;\
border:1px solid #c7d2fe;background-color:#e0e7ff;color:#3730a3;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\
monospace;font-size:12px;line-height:18px;font-weight:600;white-space:nowrap;";
const LINK: &str = "color:#4338ca;text-decoration:none;";
pub(super) const DOT: &str = "display:inline-block;width:10px;height:10px;border-radius:3px;\
background-color:#4f46e5;margin-right:8px;";

/// The frame the automatic mails share (title, preheader, brand, badge, footer) around
/// `content`; the reply has its own template.
pub(super) fn layout(
    id: &TicketId,
    brand: &str,
    preheader: &str,
    content: &str,
    footer: &str,
) -> String {
    fill(
        LAYOUT,
        &[
            ("title", &escape(&id.to_string())),
            ("preheader", &escape(preheader)),
            ("brand", brand),
            ("badge", &pill(id)),
            ("content", content),
            ("footer", footer),
        ],
    )
}

pub(super) fn pill(id: &TicketId) -> String {
    format!("<span style=\"{PILL}\">{}</span>", escape(&id.to_string()))
}

pub(super) fn strong(s: &str) -> String {
    format!("<strong style=\"color:#111827;\">{}</strong>", escape(s))
}

pub(super) fn issue_box(issue: &str) -> String {
    fill(ISSUE, &[("text", &html_text(issue))])
}

pub(super) fn mailto(email: &str) -> String {
    let e = escape(email.trim());
    format!("<a href=\"mailto:{e}\" style=\"{LINK}\">{e}</a>")
}

pub(super) fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|ch| ch.is_ascii_digit() || *ch == '+')
        .collect();
    if digits.is_empty() {
        return escape(phone);
    }
    format!(
        "<a href=\"tel:{digits}\" style=\"{LINK}\">{}</a>",
        escape(phone)
    )
}

/// A link only for http(s) URLs; anything else (`javascript:`, `data:`) stays text.
pub(super) fn link(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let e = escape(url);
        format!("<a href=\"{e}\" style=\"{LINK}\">{e}</a>")
    } else {
        escape(url)
    }
}

/// Fills `{{slot}}`s in one pass: a value holding `{{…}}` is never expanded again.
pub(super) fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 2048);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("templates close every slot");
        let key = &after[..end];
        let value = slots.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        debug_assert!(value.is_some(), "template slot {key:?} left unfilled");
        out.push_str(value.unwrap_or_default());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escaped text with its line breaks kept as `<br>`.
pub(super) fn html_text(s: &str) -> String {
    s.lines().map(escape).collect::<Vec<_>>().join("<br>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x&y")</script> it's"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s"
        );
        assert_eq!(escape("José 🎂"), "José 🎂");
        assert_eq!(
            html_text("a <b>\n\nc & d"),
            "a &lt;b&gt;<br>\n<br>\nc &amp; d"
        );
    }

    #[test]
    fn only_http_urls_become_links() {
        assert!(
            link("https://x.example/?a=1&b=2").contains("href=\"https://x.example/?a=1&amp;b=2\"")
        );
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert!(!link("data:text/html,<b>x</b>").contains("<b>"));
        assert_eq!(tel("+49 (30) 123"), "<a href=\"tel:+4930123\" style=\"color:#4338ca;text-decoration:none;\">+49 (30) 123</a>");
    }
}
