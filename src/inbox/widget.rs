//! The widget an owner puts on their website: the `<script>` snippets and the self-hosted copy.
//!
//! Two ways to load `widget.js`. The easy default loads it from the public address (the
//! tunnel), like the tickets it posts ([`widget_snippet`]). Self-hosted, the site serves its own
//! copy ([`widget_snippet_self_hosted`], [`write_widget_files`]): the widget is then on the page
//! even when the laptop sleeps, and with the listener unreachable it offers the visitor a
//! prefilled mail to the support address (widget/FORMAT.md), which becomes the ticket when the
//! mail is synced. Both snippets post to the public address. The copy is the exact bytes the
//! listener serves at `GET /widget.js` ([`crate::intake::WIDGET_JS`]).

use super::{Inbox, InboxError, Result};
use crate::domain::Site;
use std::path::{Path, PathBuf};

/// Where a self-hosted snippet loads the script from by default: the site's own root.
pub const SELF_HOSTED_SRC: &str = "/widget.js";

/// The `<script>` tag an owner pastes into their site, loading the widget from the public
/// address. With `support_email` (the support address, see `Config::support_address`), the
/// widget offers to email the request there when it cannot reach Deskbell; that mail starts a
/// ticket like the form would.
pub fn widget_snippet(public_url: &str, bot_token: &str, support_email: Option<&str>) -> String {
    let base = public_url.trim_end_matches('/');
    snippet(&format!("{base}/widget.js"), base, bot_token, support_email)
}

/// The `<script>` tag for a site that hosts `widget.js` itself at `script_src` (a path on the
/// site such as [`SELF_HOSTED_SRC`], or a full URL; one ending in `/` names the folder, and
/// `widget.js` is added). The tickets still go to `public_url`.
pub fn widget_snippet_self_hosted(
    script_src: &str,
    public_url: &str,
    bot_token: &str,
    support_email: Option<&str>,
) -> String {
    let base = public_url.trim_end_matches('/');
    snippet(&script_address(script_src), base, bot_token, support_email)
}

/// Where a self-hosted snippet loads the script from: `script_src` trimmed, `widget.js` added
/// to a folder (`https://cdn.example/js/`).
pub fn script_address(script_src: &str) -> String {
    let src = script_src.trim();
    if src.ends_with('/') {
        format!("{src}widget.js")
    } else {
        src.to_string()
    }
}

fn snippet(src: &str, endpoint: &str, bot_token: &str, support_email: Option<&str>) -> String {
    let support = support_email
        .map(|a| format!(" data-support-email=\"{}\"", attr(a)))
        .unwrap_or_default();
    format!(
        "<script src=\"{}\" data-endpoint=\"{}\" data-bot-token=\"{}\"{support} async></script>",
        attr(src),
        attr(endpoint),
        attr(bot_token)
    )
}

/// A value inside a double-quoted HTML attribute. Tokens, addresses and the public address are
/// checked where they come from; an owner's `--src` is not, so everything is escaped.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Checks an owner's `script_src`: a path on the site (`/js/widget.js`, `widget.js`) or an
/// `http(s)` URL; no other scheme (`javascript:`), no spaces.
pub fn check_script_src(script_src: &str) -> Result<()> {
    let s = script_src.trim();
    let bad = |why: &str| {
        Err(InboxError::Invalid(format!(
            "script address {script_src:?} {why}"
        )))
    };
    if s.is_empty() {
        return bad("is empty");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces");
    }
    let before_path = s.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((scheme, _)) = before_path.split_once(':') {
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return bad("must be a path on your site or an http(s) address");
        }
    }
    Ok(())
}

/// The folder a download goes into: `deskbell-widget-<site name, lower case, a-z 0-9 ->`.
pub fn widget_folder_name(site_name: &str) -> String {
    let mut slug = String::new();
    for c in site_name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "deskbell-widget".to_string()
    } else {
        format!("deskbell-widget-{slug}")
    }
}

/// What [`write_widget_files`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetFiles {
    pub widget_js: PathBuf,
    pub snippet_html: PathBuf,
}

/// Writes `dir/widget.js` (the listener's own bytes) and `dir/snippet.html` (`snippet` and a
/// line break), creating `dir`. Both files are Deskbell's output, so a second download
/// replaces them.
pub fn write_widget_files(dir: &Path, snippet: &str) -> Result<WidgetFiles> {
    let write = |path: PathBuf, data: &[u8]| {
        std::fs::write(&path, data)
            .map(|()| path.clone())
            .map_err(|source| InboxError::Write { path, source })
    };
    std::fs::create_dir_all(dir).map_err(|source| InboxError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(WidgetFiles {
        widget_js: write(dir.join("widget.js"), crate::intake::WIDGET_JS.as_bytes())?,
        snippet_html: write(dir.join("snippet.html"), format!("{snippet}\n").as_bytes())?,
    })
}

impl Inbox {
    /// The site called `name` (exactly); not found names the sites there are.
    pub async fn site_named(&self, name: &str) -> Result<Site> {
        let sites = self.sites().await?;
        if let Some(site) = sites.iter().find(|s| s.name == name) {
            return Ok(site.clone());
        }
        let known = if sites.is_empty() {
            "there are no sites yet".to_string()
        } else {
            let names: Vec<String> = sites.iter().map(|s| format!("{:?}", s.name)).collect();
            format!("the sites are {}", names.join(", "))
        };
        Err(InboxError::NotFound(format!(
            "there is no site named {name:?}; {known}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "dbt_0123";

    #[test]
    fn the_tunnel_snippet_loads_from_the_public_address() {
        assert_eq!(
            widget_snippet("https://t.example//", TOKEN, Some("rosa+support@gmail.com")),
            "<script src=\"https://t.example/widget.js\" data-endpoint=\"https://t.example\" \
             data-bot-token=\"dbt_0123\" data-support-email=\"rosa+support@gmail.com\" \
             async></script>"
        );
        assert!(!widget_snippet("https://t.example", TOKEN, None).contains("support"));
    }

    #[test]
    fn the_self_hosted_snippet_loads_from_the_site_and_posts_to_the_public_address() {
        assert_eq!(
            widget_snippet_self_hosted(
                SELF_HOSTED_SRC,
                "https://t.example/",
                TOKEN,
                Some("rosa+support@gmail.com")
            ),
            "<script src=\"/widget.js\" data-endpoint=\"https://t.example\" \
             data-bot-token=\"dbt_0123\" data-support-email=\"rosa+support@gmail.com\" \
             async></script>"
        );
        // A folder gets the file name; a full URL is kept as given.
        for (src, want) in [
            (
                "https://cdn.example/js/",
                "https://cdn.example/js/widget.js",
            ),
            (" /assets/w.js ", "/assets/w.js"),
            (
                "https://shop.example/widget.js",
                "https://shop.example/widget.js",
            ),
        ] {
            let s = widget_snippet_self_hosted(src, "https://t.example", TOKEN, None);
            assert!(s.starts_with(&format!("<script src=\"{want}\" ")), "{s}");
            assert!(!s.contains("support"), "{s}");
        }
    }

    #[test]
    fn attribute_values_are_escaped() {
        let s = widget_snippet_self_hosted(
            "/w.js?a=1&b=\"><img src=x>",
            "https://t.example",
            TOKEN,
            Some("a\"b@x.example"),
        );
        assert!(
            s.starts_with(
                "<script src=\"/w.js?a=1&amp;b=&quot;&gt;&lt;img src=x&gt;\" data-endpoint="
            ),
            "{s}"
        );
        assert!(
            s.contains("data-support-email=\"a&quot;b@x.example\""),
            "{s}"
        );
        assert_eq!(s.matches('<').count(), 2, "only the tag's own: {s}");
    }

    #[test]
    fn script_addresses_are_paths_or_http() {
        for ok in [
            "/widget.js",
            "widget.js",
            "https://cdn.example/w.js",
            "HTTP://x/",
        ] {
            assert!(check_script_src(ok).is_ok(), "{ok}");
        }
        for bad in ["", "  ", "javascript:alert(1)", "data:text/js,1", "/a b.js"] {
            assert!(check_script_src(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folder_names_are_slugs() {
        assert_eq!(
            widget_folder_name("Rosa's Bakery"),
            "deskbell-widget-rosa-s-bakery"
        );
        assert_eq!(
            widget_folder_name("  Demo page (127.0.0.1:80) "),
            "deskbell-widget-demo-page-127-0-0-1-80"
        );
        assert_eq!(widget_folder_name("../.."), "deskbell-widget");
        assert_eq!(widget_folder_name("Café"), "deskbell-widget-caf");
    }

    #[test]
    fn the_files_are_the_served_script_and_the_snippet() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/folder");
        let files = write_widget_files(&out, "<script></script>").unwrap();
        assert_eq!(
            std::fs::read(&files.widget_js).unwrap(),
            crate::intake::WIDGET_JS.as_bytes()
        );
        assert_eq!(
            std::fs::read_to_string(&files.snippet_html).unwrap(),
            "<script></script>\n"
        );
        // Again: replaced, not numbered.
        write_widget_files(&out, "<script>2</script>").unwrap();
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
    }
}
