//! HTML from mail is untrusted: it is cleaned (ammonia's allow-list: no scripts, no event
//! handlers, no styles that could overlay the app, no forms) before it is stored or shown, and
//! remote images are blocked — they would tell the sender when the owner opened the mail. Only
//! inline images (`cid:`, `data:`) keep their source.

use std::borrow::Cow;

pub fn clean(html: &str) -> String {
    ammonia::Builder::default()
        .add_url_schemes(&["cid", "data"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| {
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

#[cfg(test)]
mod tests {
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
