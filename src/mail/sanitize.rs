//! HTML from mail is untrusted: it is cleaned (ammonia's allow-list: no scripts, no event
//! handlers, no styles that could overlay the app, no forms) before it is stored or shown, and
//! remote images are blocked — they would tell the sender when the owner opened the mail. Only
//! inline images (`cid:`, `data:`) keep their source. A mail has no base URL, so a link is
//! kept only when it is an absolute `http`, `https`, `mailto` or `tel` address once trimmed;
//! relative links and anything whose scheme hides behind spaces or control characters
//! (`\u{2028}javascript:`, `&nbsp;javascript:`, `java\x03script:`) lose their `href`.

use std::borrow::Cow;

pub fn clean(html: &str) -> String {
    ammonia::Builder::default()
        .add_url_schemes(&["cid", "data"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(ammonia::UrlRelative::Deny)
        .attribute_filter(|element, attribute, value| {
            if attribute == "href" {
                return mail_link(value).map(|v| Cow::Owned(v.to_string()));
            }
            if element == "img" && attribute == "src" {
                let v = value.trim_start().to_ascii_lowercase();
                if v.starts_with("cid:") || v.starts_with("data:image/") {
                    Some(Cow::Borrowed(value))
                } else {
                    None
                }
            } else {
                Some(Cow::Borrowed(value))
            }
        })
        .clean(html)
        .to_string()
}

/// The link as kept: absolute http(s), mailto or tel after trimming, with no control or
/// space character in it; `None` drops it.
pub fn mail_link(href: &str) -> Option<&str> {
    let v = href.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
        .then_some(v)
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_absolute_web_mail_or_phone_addresses_or_nothing() {
        let dirty = "<a href=\"\u{2028}javascript:alert(1)\">a</a>\
            <a href=\"&nbsp;javascript:alert(2)\">b</a>\
            <a href=\"\u{1}java\u{3}script:alert(3)\">c</a>\
            <a href=\"/account/reset\">d</a><a href=\"orders/1\">e</a>\
            <a href=\"  HTTPS://shop.example/o?1 \">f</a><a href=\"mailto:rosa@x.example\">g</a>\
            <a href=\"tel:+34600000000\">h</a><a href=\"ftp://x.example\">i</a>\
            <a href=\"data:text/html,x\">j</a>";
        let clean = super::clean(dirty);
        for gone in [
            "javascript",
            "alert",
            "/account/reset",
            "orders/1",
            "ftp:",
            "data:",
        ] {
            assert!(!clean.contains(gone), "{gone} left in {clean}");
        }
        for kept in [
            "href=\"HTTPS://shop.example/o?1\"",
            "href=\"mailto:rosa@x.example\"",
            "href=\"tel:+34600000000\"",
            ">a</a>",
            ">d</a>",
        ] {
            assert!(clean.contains(kept), "{kept} missing in {clean}");
        }
        assert_eq!(super::mail_link("https://a.example/\u{7}x"), None);
    }

    #[test]
    fn scripts_handlers_and_remote_images_go_inline_images_stay() {
        let dirty = r#"<p onclick="steal()">Hi <b>there</b><script>alert(1)</script></p>
<img src="https://tracker.example/pixel.gif" alt="t">
<img src="cid:logo@x" alt="logo">
<a href="javascript:alert(1)">x</a> <a href="https://shop.example/">shop</a>
<form action="https://evil.example"><input name="pw"></form>
<div style="position:fixed;inset:0">overlay</div>"#;
        let clean = super::clean(dirty);
        for gone in [
            "script",
            "onclick",
            "tracker.example",
            "javascript:",
            "<form",
            "<input",
            "position:fixed",
        ] {
            assert!(!clean.contains(gone), "{gone} left in {clean}");
        }
        for kept in [
            "<b>there</b>",
            "cid:logo@x",
            "https://shop.example/",
            "noopener",
            "overlay",
        ] {
            assert!(clean.contains(kept), "{kept} missing in {clean}");
        }
    }
}
