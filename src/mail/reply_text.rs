//! The reply-text splitter (docs/architecture.md, "Flow 2: a reply back"): what a visitor newly wrote in an emailed
//! reply, apart from the quoted history and the signature. Pure: bytes or text in, [`Split`]
//! out. It owns only this judgement; threading, storage and HTML sanitising live elsewhere, and
//! the full body is always kept beside the split so the UI can expand it.
//!
//! Plain-text rules, in order (line based, LF or CRLF in, LF out):
//! 1. History starts at the first unquoted line that is one of
//!    - a signature delimiter `-- ` (RFC 3676 §4.3; `--` too, as clients eat the space);
//!    - an Outlook/forward separator: `-----Original Message-----` and its translations,
//!      `---------- Forwarded message ---------`, `Begin forwarded message:`;
//!    - a line of underscores or dashes (5 or more, maybe indented) followed by a header
//!      block (a blank line between is fine), or a header block itself:
//!      `From:`/`Von:`/`De :` … then two more `Sent:`/`To:`/`Subject:`-like lines;
//!    - an attribution (`On … wrote:`, `Am … schrieb …:`, `Le … a écrit :`, `El … escribió:`,
//!      Yahoo's `On Tuesday, … GMT+1, … wrote:`, Japanese Gmail `2026年…<a@b>:`, possibly
//!      wrapped onto up to 3 lines) that is **not** followed by `>`-quoted lines.
//!
//!    Everything from there on is history.
//! 2. An attribution followed by `>` lines, and one-line mobile signatures ("Sent from my
//!    iPhone", "Get Outlook for iOS", "Sent from Yahoo Mail for iPhone", …) are removed.
//! 3. `>`-quoted blocks at the start and at the end of what is left are removed. Quoted lines
//!    *between* new lines stay: they are the questions an inline (bottom-posted) reply answers.
//! 4. Trailing spaces are trimmed, runs of blank lines become one, the text is trimmed.
//!
//! HTML-only mail: the quote elements of Gmail (`gmail_quote`, `gmail_extra`,
//! `gmail_signature`), Apple Mail and Thunderbird (`<blockquote type="cite">`,
//! `moz-cite-prefix`, `moz-signature`) and Yahoo (`yahoo_quoted`) are removed; at Outlook's
//! markers (`divRplyFwdMsg`, `appendonsend`, a `border-top` box starting with `From:`) the
//! rest of the document is history. Then the text is converted and split as above. The scan
//! is byte based without regexes and accepts any malformed HTML.

use mail_parser::decoders::html::html_to_text;
use mail_parser::{MessageParser, PartType};

/// A reply split into the visitor's new words and everything removed from them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// The new text, trimmed; empty only when nothing but quotes/signature was sent.
    pub text: String,
    /// The quoted history and signature that were removed (may be empty).
    pub quoted: String,
}

/// Splits a plain-text body (LF or CRLF; the output uses LF).
pub fn split(body: &str) -> Split {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.split('\n').collect();
    let mut keep = vec![true; lines.len()];
    let cut = history_start(&lines).unwrap_or(lines.len());
    keep[cut..].iter_mut().for_each(|k| *k = false);
    let mut i = 0;
    while i < cut {
        if let Some(n) = attribution_len(&lines, i).filter(|&n| quote_follows(&lines, i + n)) {
            keep[i..(i + n).min(cut)]
                .iter_mut()
                .for_each(|k| *k = false);
            i += n;
            continue;
        }
        if is_signature_line(lines[i]) {
            keep[i] = false;
        }
        i += 1;
    }
    let removable = |j: &usize| !keep[*j] || is_quote(lines[*j]) || lines[*j].trim().is_empty();
    let lead = (0..cut).take_while(removable).count();
    let trail = (lead..cut).rev().take_while(removable).count();
    keep[..lead].iter_mut().for_each(|k| *k = false);
    keep[cut - trail..cut].iter_mut().for_each(|k| *k = false);
    let pick = |want: bool| lines.iter().zip(&keep).filter(move |(_, k)| **k == want);
    let mut text = String::new();
    for (line, _) in pick(true) {
        let line = line.trim_end();
        if line.is_empty() && (text.is_empty() || text.ends_with("\n\n")) {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    let quoted: Vec<&str> = pick(false).map(|(l, _)| l.trim_end()).collect();
    Split {
        text: text.trim().to_string(),
        quoted: quoted.join("\n").trim().to_string(),
    }
}

/// Parses a raw message and splits its text body: text/plain if there is one, else the HTML
/// with its quote elements removed. `None` when the bytes are no message or have no text.
pub fn split_message(raw: &[u8]) -> Option<Split> {
    let message = MessageParser::default().parse(raw)?;
    let html = || match message.html_part(0).map(|p| &p.body) {
        Some(PartType::Html(h)) => Some(split_html(h)),
        _ => None,
    };
    match message.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(t)) if t.trim().is_empty() => html().or_else(|| Some(split(t))),
        Some(PartType::Text(t)) => Some(split(t)),
        Some(PartType::Html(h)) => Some(split_html(h)),
        _ => html(),
    }
}

fn split_html(html: &str) -> Split {
    let (kept, removed) = strip_quote_elements(html);
    let mut s = split(&html_text(&kept));
    if s.text.is_empty() {
        // Malformed markup (an unclosed quote element early on) must not eat the reply.
        let whole = split(&html_text(html));
        if !whole.text.is_empty() {
            return whole;
        }
    }
    s.quoted = format!("{}\n{}", s.quoted, html_text(&removed))
        .trim()
        .to_string();
    s
}

// ---- plain-text rules -----------------------------------------------------------------------

/// Whether any entry of a `|`-separated word list satisfies `f`.
fn any_of(list: &str, f: impl Fn(&str) -> bool) -> bool {
    list.split('|').any(f)
}

fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn quote_follows(lines: &[&str], from: usize) -> bool {
    lines
        .iter()
        .skip(from)
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_quote(l))
}

fn history_start(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        let line = lines[i];
        let t = line.trim();
        !is_quote(line)
            && (line.trim_end() == "--"
                || is_separator(t)
                || (is_rule(t) && header_block(lines, next_text_line(lines, i + 1)))
                || header_block(lines, i)
                || attribution_len(lines, i).is_some_and(|n| !quote_follows(lines, i + n)))
    })
}

/// A rule above a quoted header block: Outlook's line of underscores, or of dashes (plain
/// text Outlook and many others), any length from 5, leading spaces already trimmed.
fn is_rule(t: &str) -> bool {
    t.len() >= 5 && (t.bytes().all(|b| b == b'_') || t.bytes().all(|b| b == b'-'))
}

/// The first line from `i` on that is not blank (or `lines.len()`).
fn next_text_line(lines: &[&str], i: usize) -> usize {
    (i..lines.len())
        .find(|&j| !lines[j].trim().is_empty())
        .unwrap_or(lines.len())
}

fn is_separator(t: &str) -> bool {
    const PHRASES: &str = "original message|forwarded message|ursprüngliche nachricht|\
        weitergeleitete nachricht|message d'origine|message transféré|mensaje original|\
        mensaje reenviado|messaggio originale|元のメッセージ";
    let l = t.to_lowercase();
    (l.starts_with("---") && any_of(PHRASES, |p| l.contains(p)))
        || l.starts_with("begin forwarded message")
        || l.starts_with("anfang der weitergeleiteten nachricht")
}

/// The lower-cased key of a `Key: value` line (`*From:*` and `De :` included).
fn header_key(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches('*');
    let (key, _) = t.split_once(':')?;
    let key = key.trim().trim_end_matches('*').to_lowercase();
    (!key.is_empty() && key.chars().count() <= 12 && !key.contains(' ')).then_some(key)
}

/// A quoted-message header block: a From-like line, then two more header lines.
fn header_block(lines: &[&str], i: usize) -> bool {
    const FROM: &str = "from|von|de|da|van|från|fra";
    const OTHER: &str = "sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|à|objet|\
        enviado|para|asunto|inviato|a|oggetto|verzonden|aan|onderwerp|skickat|till|ämne|sendt|emne";
    let key = |j: usize| lines.get(j).and_then(|l| header_key(l));
    let is_from = key(i).is_some_and(|k| any_of(FROM, |f| f == k));
    is_from && (1..=2).all(|d| key(i + d).is_some_and(|k| any_of(OTHER, |o| o == k)))
}

/// How many lines (1–3) the attribution starting at `i` spans, if one starts there.
fn attribution_len(lines: &[&str], i: usize) -> Option<usize> {
    let mut joined = String::new();
    for (n, line) in lines.iter().enumerate().skip(i).take(3) {
        let t = line.trim();
        if t.is_empty() || is_quote(line) || (n > i && !joined.chars().any(|c| c.is_ascii_digit()))
        {
            return None;
        }
        joined.push_str(t);
        if is_attribution(&joined) {
            return Some(n - i + 1);
        }
        // A wrapped attribution breaks mid-sentence; a finished sentence is the visitor's.
        if t.ends_with(['.', '!', '?', ':']) {
            return None;
        }
        joined.push(' ');
    }
    None
}

fn is_attribution(s: &str) -> bool {
    const OPENERS: &str = "on |am |le |el |il |op |em |den |w dniu |dnia ";
    const VERBS: &str = "wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|\
        napisał|kirjoitti|написал";
    let l = s.to_lowercase();
    let opens =
        any_of(OPENERS, |o| l.starts_with(o)) || l.starts_with(|c: char| c.is_ascii_digit());
    opens
        && l.ends_with(':')
        && l.chars().count() <= 300
        && l.chars().any(|c| c.is_ascii_digit())
        && (l.ends_with(">:") || any_of(VERBS, |v| l.contains(v)))
}

/// One-line signatures that mobile and web clients append.
fn is_signature_line(line: &str) -> bool {
    const PREFIXES: &str = "sent from my |sent from yahoo mail|sent from mail for windows|\
        sent from outlook|get outlook for |obtenir outlook pour |sent with proton mail|\
        von meinem |gesendet von meinem |envoyé de mon |envoyé depuis mon |enviado desde mi |\
        inviato da |verzonden vanaf mijn |iphoneから送信";
    let l = line.trim().to_lowercase();
    let words = l.split_whitespace().count();
    (1..=8).contains(&words)
        && any_of(PREFIXES, |p| l.starts_with(p))
        && (!l.starts_with("von meinem ") || l.contains("gesendet"))
}

// ---- HTML -----------------------------------------------------------------------------------

/// Marks where a block element starts or ends, so that `<div>a</div><div>b</div>` becomes two
/// lines: mail-parser's converter only breaks lines at `<br>` and `</p>`.
const BREAK: char = '\u{E000}';
/// Put after every tag: the converter drops the space before the second word of a line whose
/// first word ends at a tag (`<br>Saturday<b> at 10`); a token right after the tag avoids that.
const GLUE: char = '\u{E001}';
/// Put after `</p>`: a paragraph ends with a blank line.
const PARA: char = '\u{E002}';

enum Quote {
    /// This element (up to its matching end tag) is history.
    Element,
    /// Everything from this tag to the end of the document is history (Outlook).
    Rest,
}

/// Splits HTML into what is kept and what the quote elements held.
fn strip_quote_elements(html: &str) -> (String, String) {
    // ASCII lower-casing keeps every byte offset, so `lower` indexes `html`; '<' and '>' are
    // ASCII, so every offset used below is a char boundary.
    let lower = html.to_ascii_lowercase();
    let (mut kept, mut removed) = (String::new(), String::new());
    let (mut copied, mut scan) = (0, 0);
    while let Some(start) = lower[scan..].find('<').map(|p| p + scan) {
        let Some(end) = lower[start..].find('>').map(|p| p + start + 1) else {
            break;
        };
        let tag = &lower[start..end];
        let quote = quote_kind(tag, &html[end..]);
        match quote {
            Some(Quote::Rest) => {
                kept.push_str(&html[copied..start]);
                removed.push_str(&html[start..]);
                return (kept, removed);
            }
            Some(Quote::Element) => {
                let close = if tag.ends_with("/>") {
                    end
                } else {
                    matching_end(&lower, end, tag_name(tag))
                };
                kept.push_str(&html[copied..start]);
                removed.push_str(&html[start..close]);
                copied = close;
                scan = close;
            }
            None => scan = end,
        }
    }
    kept.push_str(&html[copied..]);
    (kept, removed)
}

fn tag_name(tag: &str) -> &str {
    let t = tag.trim_start_matches('<').trim_start_matches('/');
    let end = t
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(t.len());
    &t[..end]
}

/// `tag` is a lower-cased start tag, `after` the original text following it.
fn quote_kind(tag: &str, after: &str) -> Option<Quote> {
    const CLASSES: &str =
        "gmail_quote|gmail_extra|gmail_signature|yahoo_quoted|moz-cite-prefix|moz-signature";
    let name = tag_name(tag);
    let attr = |a: &str| tag.contains(a);
    if (name == "div"
        && (attr("divrplyfwdmsg") || attr("appendonsend") || attr("outlookmessageheader")))
        || (name == "hr" && attr("stopspelling"))
    {
        return Some(Quote::Rest);
    }
    if name == "div" && attr("border-top") {
        // Outlook's header box: its first line (up to a break, at most 1000 bytes) is `From:`.
        let mut end = after.len().min(1000);
        while !after.is_char_boundary(end) {
            end -= 1;
        }
        let window = after[..end].to_ascii_lowercase();
        let stops = ["<br", "</p", "</div"].map(|m| window.find(m).unwrap_or(end));
        let text = html_text(&after[..stops.into_iter().min().unwrap_or(end)]);
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let from = ["from", "von", "de", "da", "van"];
        if header_key(first).is_some_and(|k| from.contains(&k.as_str())) {
            return Some(Quote::Rest);
        }
    }
    let cite = name == "blockquote"
        && ["type=\"cite\"", "type='cite'", "type=cite"]
            .iter()
            .any(|a| attr(a));
    let class = matches!(name, "div" | "blockquote" | "span") && any_of(CLASSES, attr);
    (cite || class).then_some(Quote::Element)
}

/// The offset just after the end tag matching an element opened before `from`; the end of the
/// document when it is never closed.
fn matching_end(lower: &str, from: usize, name: &str) -> usize {
    let mut depth = 1usize;
    let mut scan = from;
    while let Some(start) = lower[scan..].find('<').map(|p| p + scan) {
        let end = lower[start..]
            .find('>')
            .map_or(lower.len(), |p| p + start + 1);
        let tag = &lower[start..end];
        if tag.starts_with("</") && tag_name(tag) == name {
            depth -= 1;
            if depth == 0 {
                return end;
            }
        } else if !tag.starts_with("</") && tag_name(tag) == name && !tag.ends_with("/>") {
            depth += 1;
        }
        scan = end;
    }
    lower.len()
}

/// HTML to plain text: block elements on their own lines, paragraphs apart, `&nbsp;` a space.
fn html_text(html: &str) -> String {
    const BLOCKS: &str = "div|p|li|ul|ol|tr|table|blockquote|h1|h2|h3|h4|h5|h6|hr|pre|dd|dt|dl|\
        center|section|article";
    let mut marked = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // Inside an Outlook `MsoNormal` paragraph, which has no margins: no blank line after it.
    let mut tight = false;
    while let Some(p) = rest.find('<') {
        marked.push_str(&rest[..p]);
        let tag = &rest[p..];
        let Some(end) = tag.find('>') else {
            rest = tag;
            break;
        };
        let name = tag_name(tag).to_ascii_lowercase();
        let closing = tag.starts_with("</");
        if name == "p" && !closing {
            tight = tag[..end].to_ascii_lowercase().contains("msonormal");
        }
        if any_of(BLOCKS, |b| name == b) && !(closing && name == "p") {
            marked.push(BREAK);
        }
        marked.push_str(&tag[..=end]);
        marked.push(if closing && name == "p" && !tight {
            PARA
        } else {
            GLUE
        });
        rest = &tag[end + 1..];
    }
    marked.push_str(rest);
    let mut out = String::with_capacity(marked.len());
    for c in html_to_text(&marked).chars() {
        let line_start = out.is_empty() || out.ends_with('\n');
        match c {
            BREAK if !line_start => out.push('\n'),
            BREAK | GLUE => {}
            PARA => {
                while !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
            }
            ' ' | '\u{a0}' if line_start => {}
            '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
