//! Tests for `mail::reply_text`: what a visitor newly wrote in an emailed reply.
//!
//! - Golden: every `tests/fixtures/eml/replies/NAME.eml` (one per mail client style) is split
//!   as stored, with CRLF and with LF line ends, and its `text` must equal `NAME.expected.txt`
//!   (LF, one trailing newline allowed). Where a fixture also has an HTML alternative, that
//!   HTML alone must give the same words (the HTML quote-element rules).
//! - Rules: one small inline case per rule.
//! - Robustness: 2,000 deterministic pseudo-random inputs (noise, fixture slices, mutated
//!   fixtures, marker soup, tag soup) never panic and keep the output invariants.

use deskbell::mail::reply_text::{split, split_message, Split};
use mail_parser::{MessageParser, PartType};
use std::path::PathBuf;

const MIN_CORPUS: usize = 16;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eml/replies")
}

/// (name, raw .eml bytes, expected text) for every fixture, sorted by name.
fn corpus() -> Vec<(String, Vec<u8>, String)> {
    let mut cases: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("the reply corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let expected_path = p.with_extension("expected.txt");
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{name}: cannot read {expected_path:?}: {e}"));
            (name, std::fs::read(&p).unwrap(), expected)
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn with_line_ends(raw: &[u8], crlf: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 20);
    for (i, &b) in raw.iter().enumerate() {
        match b {
            b'\r' if raw.get(i + 1) == Some(&b'\n') => {}
            b'\n' if crlf => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
    }
    out
}

fn text_of(raw: &[u8]) -> String {
    split_message(raw).expect("a message with a text body").text
}

// ---- golden ---------------------------------------------------------------------------------

#[test]
fn corpus_is_large_and_complete() {
    let names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let emls = names.iter().filter(|n| n.ends_with(".eml")).count();
    assert!(
        emls >= MIN_CORPUS,
        "only {emls} reply fixtures, want >= {MIN_CORPUS}"
    );
    for n in &names {
        if let Some(stem) = n.strip_suffix(".eml") {
            assert!(
                names.contains(&format!("{stem}.expected.txt")),
                "{n} has no .expected.txt"
            );
        } else if let Some(stem) = n.strip_suffix(".expected.txt") {
            assert!(names.contains(&format!("{stem}.eml")), "{n} has no .eml");
        } else {
            panic!("unexpected file {n} in the reply corpus");
        }
    }
    assert_eq!(corpus().len(), emls);
}

#[test]
fn golden_as_stored_crlf_and_lf() {
    let cases = corpus();
    assert!(cases.len() >= MIN_CORPUS);
    let mut failures = Vec::new();
    for (name, raw, expected) in &cases {
        assert!(!expected.contains('\r'), "{name}.expected.txt must use LF");
        let expected = expected.strip_suffix('\n').unwrap_or(expected);
        assert_eq!(
            expected,
            expected.trim(),
            "{name}.expected.txt must be trimmed"
        );
        let variants = [
            ("as stored", raw.clone()),
            ("CRLF", with_line_ends(raw, true)),
            ("LF", with_line_ends(raw, false)),
        ];
        for (label, bytes) in variants {
            let got = text_of(&bytes);
            if got != expected {
                failures.push(format!(
                    "{name} ({label}):\n--- expected\n{expected}\n--- got\n{got}\n"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_history_is_kept_in_quoted() {
    for (name, raw, _) in corpus() {
        let s = split_message(&raw).unwrap();
        assert!(!s.quoted.is_empty(), "{name}: the quoted history was lost");
        assert!(
            !s.text.contains('\r') && !s.quoted.contains('\r'),
            "{name}: CR in output"
        );
    }
}

/// The HTML alternative alone, as an HTML-only message, must give the same words as the
/// plain-text part: this runs the HTML quote-element rules on every real client's markup.
#[test]
fn golden_html_alternative_gives_the_same_words() {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut checked = 0;
    for (name, raw, expected) in corpus() {
        let message = MessageParser::default().parse(&raw[..]).unwrap();
        let has_plain = matches!(
            message.text_part(0).map(|p| &p.body),
            Some(PartType::Text(_))
        );
        let Some(PartType::Html(html)) = message.html_part(0).map(|p| &p.body) else {
            continue;
        };
        if !has_plain {
            continue;
        }
        let mut html_only = b"Content-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
        html_only.extend_from_slice(html.as_bytes());
        let got = text_of(&html_only);
        assert_eq!(words(&got), words(&expected), "{name}: HTML alternative");
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} fixtures have an HTML alternative"
    );
}

#[test]
fn iso_2022_jp_decodes() {
    let raw = std::fs::read(corpus_dir().join("iphone_japanese_iso2022jp.eml")).unwrap();
    let text = text_of(&raw);
    assert!(
        text.contains("チェックイン"),
        "ISO-2022-JP was not decoded (mail-parser needs its `full_encoding` feature): {text:?}"
    );
}

// ---- rules, one small case each --------------------------------------------------------------

fn text(body: &str) -> String {
    split(body).text
}

#[test]
fn gmail_attribution_and_quote_removed() {
    let s = split(
        "Saturday works.\n\nOn Tue, 24 Nov 2026 at 14:05, Rosa <rosa@x.example> wrote:\n\n> When?\n",
    );
    assert_eq!(s.text, "Saturday works.");
    assert!(s.quoted.starts_with("On Tue") && s.quoted.ends_with("> When?"));
}

#[test]
fn localized_attributions() {
    for attribution in [
        "Am Di., 24. Nov. 2026 um 14:05 Uhr schrieb Rosa <rosa@x.example>:",
        "Le mar. 24 nov. 2026 à 14:05, Rosa <rosa@x.example> a écrit :",
        "El mar, 24 nov 2026 a las 14:05, Rosa (<rosa@x.example>) escribió:",
        "Il giorno mar 24 nov 2026 alle ore 14:05 Rosa <rosa@x.example> ha scritto:",
        "Op di 24 nov 2026 om 14:05 schreef Rosa <rosa@x.example>:",
        "2026年11月24日(火) 14:05 Rosa <rosa@x.example>:",
    ] {
        let body = format!("Ja.\n\n{attribution}\n\n> Frage?\n");
        assert_eq!(text(&body), "Ja.", "{attribution}");
    }
}

#[test]
fn attribution_wrapped_onto_two_lines() {
    let body = "Fine.\n\nOn Tue, 24 Nov 2026 at 14:05, Rosa's Bakery <\norders@x.example> wrote:\n\n> Hi\n";
    assert_eq!(text(body), "Fine.");
    let body = "Fine.\n\nOn Tue, 24 Nov 2026 at 14:05, Rosa <rosa@x.example>\nwrote:\n> Hi\n";
    assert_eq!(text(body), "Fine.");
}

#[test]
fn attribution_without_quote_marks_cuts_the_rest() {
    let body = "Thanks!\n\n On Tuesday, November 24, 2026, 02:05:11 PM GMT+1, Rosa <r@x.example> wrote:  \n\nHi Margaret,\nold text\n";
    let s = split(body);
    assert_eq!(s.text, "Thanks!");
    assert!(s.quoted.contains("old text"));
}

#[test]
fn apple_android_and_thunderbird_attributions() {
    for attribution in [
        "On 24 Nov 2026, at 14:05, Rosa <rosa@x.example> wrote:",
        "> On 24 Nov 2026, at 14:05, Rosa <rosa@x.example> wrote:",
        "On Tue, Nov 24, 2026, 2:05 PM Rosa <rosa@x.example> wrote:",
        "On 24/11/2026 14:05, Rosa wrote:",
        "Am 24.11.26 um 14:05 schrieb Rosa:",
    ] {
        assert_eq!(
            text(&format!("OK\n\n{attribution}\n> old\n")),
            "OK",
            "{attribution}"
        );
        // After a quoted attribution, unquoted lines are inline answers and the quote
        // between them stays as their context.
        let body = format!("OK\n\n{attribution}\n\nold");
        let expected = if attribution.starts_with('>') {
            body.as_str()
        } else {
            "OK"
        };
        assert_eq!(text(&body), expected, "{attribution}");
    }
}

#[test]
fn sentences_that_only_resemble_attributions_stay() {
    let body = "On Monday my neighbour wrote:\nthe cake was great.\nAs I wrote on 3 May:\nno nuts.";
    assert_eq!(text(body), body);
}

#[test]
fn outlook_original_message_separator() {
    for sep in [
        "-----Original Message-----",
        "-----Ursprüngliche Nachricht-----",
        "-----Message d'origine-----",
        "-------- Original message --------",
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
    ] {
        let s = split(&format!("Paid.\n\n{sep}\nFrom: Rosa\nold\n"));
        assert_eq!(s.text, "Paid.", "{sep}");
        assert!(s.quoted.starts_with(sep.trim()));
    }
}

#[test]
fn outlook_header_block_with_and_without_underscores() {
    let block = "From: Rosa <rosa@x.example>\nSent: Tuesday, November 24, 2026 2:05 PM\nTo: Tom\nSubject: RE: x\n\nold";
    assert_eq!(text(&format!("Yes.\n\n{block}")), "Yes.");
    assert_eq!(
        text(&format!("Yes.\n________________________________\n{block}")),
        "Yes."
    );
    assert_eq!(
        text("Yes.\n\n*From:* Rosa\n*Sent:* Tue\n*To:* Tom\n"),
        "Yes."
    );
    let fr = "De : Hôtel <h@x.example>\nEnvoyé : mardi 24 novembre 2026 14:05\nÀ : Claire\nObjet : Re: x\n\nold";
    assert_eq!(text(&format!("Oui.\n\n{fr}")), "Oui.");
    let de = "Von: Velo <v@x.example>\nGesendet: Dienstag, 24. November 2026 14:05\nAn: Anna\n";
    assert_eq!(text(&format!("Ja.\n\n{de}")), "Ja.");
}

#[test]
fn lone_header_like_lines_stay() {
    let body = "From: my office\nThe parcel arrived.\nDate: tomorrow is fine";
    assert_eq!(text(body), body);
}

#[test]
fn signature_delimiter_cuts_the_rest() {
    assert_eq!(text("Thanks\n\n-- \nSam Lee\nPhotographer\n"), "Thanks");
    assert_eq!(text("Thanks\n--\nSam Lee\n"), "Thanks");
    assert_eq!(text("Thanks\n> -- \n> quoted sig\n"), "Thanks");
    assert_eq!(
        text("Prices -- as agreed -- are fine."),
        "Prices -- as agreed -- are fine."
    );
}

#[test]
fn mobile_signatures_removed() {
    for sig in [
        "Sent from my iPhone",
        "Sent from my iPad",
        "Sent from my Galaxy",
        "Sent from my Samsung Galaxy smartphone.",
        "Sent from my Android phone",
        "Get Outlook for iOS",
        "Get Outlook for Android<https://aka.ms/AAb9ysg>",
        "Obtenir Outlook pour iOS",
        "Sent from Yahoo Mail for iPhone",
        "Sent from Yahoo Mail on Android",
        "Sent from Mail for Windows",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "iPhoneから送信",
    ] {
        let s = split(&format!("See you Saturday.\n\n{sig}\n"));
        assert_eq!(s.text, "See you Saturday.", "{sig}");
        assert_eq!(s.quoted, sig.trim(), "{sig}");
    }
    let sentence =
        "Sent from my shop in Leeds on Monday, the parcel should arrive by Friday at the latest.";
    assert_eq!(text(sentence), sentence);
}

#[test]
fn iphone_reply_with_quoted_attribution() {
    let body = "Yes please.\n\nSent from my iPhone\n\n> On 24 Nov 2026, at 14:05, Rosa <r@x.example> wrote:\n> \n> Shall we?\n";
    assert_eq!(text(body), "Yes please.");
}

#[test]
fn leading_and_trailing_quote_blocks_removed_interior_kept() {
    let body = "On 24/11/2026 14:05, Rosa wrote:\n> Sliced?\n\nYes.\n\n> Pickup or delivery?\n\nPickup.\n\n> Best,\n> Rosa\n";
    let s = split(body);
    assert_eq!(s.text, "Yes.\n\n> Pickup or delivery?\n\nPickup.");
    assert_eq!(
        s.quoted,
        "On 24/11/2026 14:05, Rosa wrote:\n> Sliced?\n\n\n> Best,\n> Rosa"
    );
}

#[test]
fn bottom_posted_reply_keeps_only_the_answer() {
    let body = "> Do you want it on Saturday?\n>\n> Rosa\n\nYes, Saturday.\n";
    assert_eq!(text(body), "Yes, Saturday.");
}

#[test]
fn everything_quoted_gives_empty_text() {
    let s = split("> a\n> b\n\n");
    assert_eq!(
        s,
        Split {
            text: String::new(),
            quoted: "> a\n> b".into()
        }
    );
    assert_eq!(
        text("---------- Forwarded message ---------\nFrom: a\n\nhi"),
        ""
    );
    assert_eq!(split(""), Split::default());
}

#[test]
fn crlf_in_lf_out_and_tidy_blank_lines() {
    let s =
        split("Hi,  \r\n\r\n\r\n\r\nsee you.\r\n\r\nOn 24/11/2026 14:05, Rosa wrote:\r\n> x\r\n");
    assert_eq!(s.text, "Hi,\n\nsee you.");
    assert_eq!(s.quoted, "On 24/11/2026 14:05, Rosa wrote:\n> x");
}

// ---- HTML-only mail -----------------------------------------------------------------------

fn html_mail(html: &str) -> Vec<u8> {
    format!(
        "From: a@x.example\r\nSubject: t\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
    )
    .into_bytes()
}

fn html_text(html: &str) -> String {
    text_of(&html_mail(html))
}

#[test]
fn html_gmail_quote_and_signature_removed() {
    let html = r#"<div dir="ltr">Yes<div><br></div><div>Sam</div><div><div class="gmail_signature">Sam Lee<div>Photographer</div></div></div></div><br><div class="gmail_quote"><div class="gmail_attr">On Tue, 24 Nov 2026 at 14:05, Rosa wrote:<br></div><blockquote class="gmail_quote"><div>nested <div>divs</div></div></blockquote></div>"#;
    let s = split_message(&html_mail(html)).unwrap();
    assert_eq!(s.text, "Yes\n\nSam");
    assert!(s.quoted.contains("Photographer") && s.quoted.contains("nested"));
}

#[test]
fn html_outlook_markers_cut_the_rest() {
    for marker in [
        r#"<div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Rosa</div>"#,
        r#"<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Rosa<br><b>Sent:</b> x</div>"#,
        r#"<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> Rosa<br><b>Sent:</b> x</p></div>"#,
    ] {
        let html = format!(
            "<p class=MsoNormal>Ok, thanks.<o:p></o:p></p>{marker}<div>old<div>older</div></div>"
        );
        assert_eq!(html_text(&html), "Ok, thanks.", "{marker}");
    }
    // A border-top box that is not a header block (a table, a quote style) is kept.
    let html = r#"<div>Hi</div><div style="border-top:1px solid">Order 4711</div>"#;
    assert_eq!(html_text(html), "Hi\nOrder 4711");
}

#[test]
fn html_apple_thunderbird_yahoo_quotes_removed() {
    let cases = [
        r#"Fine.<div><br><blockquote type="cite"><div>On 24 Nov 2026, at 14:05, Rosa wrote:</div><div>old</div></blockquote></div>"#,
        r#"<p>Fine.</p><div class="moz-signature">-- <br>Anna</div><div class="moz-cite-prefix">On 24/11/2026 14:05, Rosa wrote:<br></div><blockquote type=cite><p>old</p><blockquote type="cite">older</blockquote></blockquote>"#,
        r#"<div>Fine.</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>On Tuesday, November 24, 2026, 02:05:11 PM GMT+1, Rosa wrote:</div><div>old</div></div>"#,
    ];
    for html in cases {
        assert_eq!(html_text(html), "Fine.", "{html}");
    }
}

#[test]
fn html_malformed_never_eats_the_reply() {
    // An unclosed quote element before the reply: fall back to the whole text.
    assert_eq!(
        html_text(r#"<blockquote type="cite">Thanks, see you"#),
        "Thanks, see you"
    );
    assert_eq!(html_text("<div>Yes<div class=gmail_quote>old"), "Yes");
    assert_eq!(html_text("<div>a</div><div/>b<"), "a\nb");
    for html in [
        "<",
        "<<>>",
        "</div></div>",
        "<div class=gmail_quote/>x",
        "&",
        "<!--",
        "<p",
    ] {
        let _ = split_message(&html_mail(html));
    }
}

#[test]
fn html_block_elements_become_lines() {
    let html = "<div>Hi Rosa,</div><div><br></div><div>Saturday<b> at 10</b>.</div><ul><li>cake</li><li>rolls</li></ul>x&nbsp;y";
    assert_eq!(
        html_text(html),
        "Hi Rosa,\n\nSaturday at 10.\ncake\nrolls\nx y"
    );
}

#[test]
fn text_part_preferred_and_empty_text_part_falls_back_to_html() {
    let alt = |plain: &str| {
        format!(
            "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{plain}\r\n--b\r\nContent-Type: text/html\r\n\r\n<div>from html</div>\r\n--b--\r\n"
        )
        .into_bytes()
    };
    assert_eq!(text_of(&alt("from plain")), "from plain");
    assert_eq!(text_of(&alt("  ")), "from html");
}

// ---- robustness ------------------------------------------------------------------------------

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: [&str; 24] = [
    "> ",
    ">",
    "\n",
    "\r\n",
    "\r",
    "-- \n",
    "--",
    "On 24/11/2026 14:05, Rosa wrote:",
    "From: a\nSent: b\nTo: c\n",
    "____________",
    "-----Original Message-----",
    "Sent from my iPhone",
    "<div class=\"gmail_quote\">",
    "</div>",
    "<blockquote type=cite>",
    "</blockquote>",
    "<div id=divRplyFwdMsg>",
    "<div style=border-top:1px>From: x",
    "&nbsp;",
    "&#xFFFFFF;",
    "é",
    "日本",
    "\u{E000}",
    "<",
];

fn assert_invariants(input: &str, s: &Split) {
    assert!(!s.text.contains('\r') && !s.quoted.contains('\r'));
    assert_eq!(s.text, s.text.trim());
    let normalized = input.replace("\r\n", "\n").replace('\r', "\n");
    for line in s.text.lines().filter(|l| !l.is_empty()) {
        assert!(
            normalized.lines().any(|l| l.trim() == line.trim()),
            "{line:?} is not a line of {input:?}"
        );
    }
}

#[test]
fn arbitrary_input_never_panics() {
    let fixtures: Vec<Vec<u8>> = corpus().into_iter().map(|(_, raw, _)| raw).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..2_000 {
        let bytes: Vec<u8> = match round % 5 {
            0 => (0..rng.below(600)).map(|_| rng.next() as u8).collect(),
            1 => {
                let f = &fixtures[rng.below(fixtures.len())];
                let a = rng.below(f.len());
                let b = a + rng.below(f.len() - a + 1);
                f[a..b].to_vec()
            }
            2 => {
                let mut f = fixtures[rng.below(fixtures.len())].clone();
                for _ in 0..1 + rng.below(40) {
                    let i = rng.below(f.len());
                    f[i] = rng.next() as u8;
                }
                f
            }
            3 => {
                let mut m = b"Content-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
                for _ in 0..rng.below(60) {
                    m.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes());
                }
                m
            }
            _ => {
                let mut m = b"Content-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
                for _ in 0..rng.below(60) {
                    m.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes());
                    if rng.below(3) == 0 {
                        m.extend_from_slice(b"words ");
                    }
                }
                m
            }
        };
        let _ = split_message(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        assert_invariants(&text, &split(&text));
    }
}

#[test]
fn a_short_sign_off_right_above_a_numeric_attribution_stays_and_the_rest_goes() {
    for attribution in [
        "On 01/03/11 7:07 PM, Rosa wrote:",
        "On 24/11/2026 19:07, Rosa wrote:",
        "On 2026-11-24 19:07, Rosa <rosa@shop.example> wrote:",
        "On 11/24/2026 at 7:07 AM, Rosa wrote:",
    ] {
        let body = format!("Saturday works.\n-Ana\n{attribution}\n> Hi Ana,\n> booked.\n");
        assert_eq!(text(&body), "Saturday works.\n-Ana", "{attribution}");
    }
}
