//! The desktop app end to end, as the owner uses it: the real built app (with the real ui/dist)
//! under Xvfb, driven through tauri-driver + WebKitWebDriver, with a session bus, the dunst
//! notification daemon (every Notify call recorded by dbus-monitor) and the project's real
//! mail stack. Elements are found by the `data-testid` hooks of docs/desktop-api.md.
//! Screenshots of each screen go to target/screenshots/desktop/.
//!
//! Needs the desktop packages and tauri-driver (scripts/install-test-deps) and a built ui/dist;
//! `scripts/desktop-test` prepares all that and sets DESKBELL_E2E=1. Without it, this skips.

#[path = "support/desktop.rs"]
mod desktop;
#[path = "support/mail.rs"]
mod mail;
#[path = "support/webdriver.rs"]
mod webdriver;
#[path = "support/x11.rs"]
mod x11;

use desktop::Desktop;
use mail::MailStack;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;
use webdriver::Session;

const OWNER: &str = "owner@shop.test";
const VISITOR: &str = "ana.lima@example.test";
const WAIT: Duration = Duration::from_secs(20);

fn shots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots/desktop")
}

fn css(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

struct World {
    desktop: Desktop,
    mail: MailStack,
    driver: String,
    args: Vec<String>,
    intake: String,
    bot_token: String,
    config: std::path::PathBuf,
    _tmp: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let tmp = tempfile::Builder::new().prefix("dbe2e").tempdir().unwrap();
        let mail = MailStack::start(&tmp.path().join("ms"));
        let mut desktop = Desktop::start(&tmp.path().join("desktop"));
        let driver = desktop.start_driver();
        let port = desktop::free_port();
        let data = tmp.path().join("data");
        let config = tmp.path().join("config.toml");
        let imap = format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"{OWNER}\"\npassword = \"{}\"\nca_file = \"{}\"\n",
            mail.get("MAILSTACK_IMAPS_PORT"),
            mail.get("MAILSTACK_PASSWORD"),
            mail.get("MAILSTACK_CA"),
        );
        std::fs::write(
            &config,
            format!(
                "[owner]\nemail = \"{OWNER}\"\nname = \"Rosa\"\nbusiness = \"Rosa's Bakery\"\n\n\
                 [intake]\nlisten = \"127.0.0.1:{port}\"\n\n[mail]\nconfirm_visitor = false\n\n{}\n{imap}",
                mail.smtp_config(OWNER, mail.get("MAILSTACK_PASSWORD")),
            ),
        )
        .unwrap();
        let bot_token = register_site(&config, &data);
        Self {
            args: vec![
                "--config".into(),
                config.display().to_string(),
                "--data-dir".into(),
                data.display().to_string(),
            ],
            intake: format!("http://127.0.0.1:{port}"),
            config,
            desktop,
            mail,
            driver,
            bot_token,
            _tmp: tmp,
        }
    }

    fn launch(&self) -> Session {
        let s = Session::start(
            &self.driver,
            env!("CARGO_BIN_EXE_deskbell-desktop"),
            &self.args,
        );
        s.wait(&css("ticket-list"), WAIT);
        s
    }

    fn post_ticket(&self, name: &str, issue: &str) -> String {
        let v: serde_json::Value = reqwest::blocking::Client::new()
            .post(format!("{}/tickets/create", self.intake))
            .json(&json!({"bot_token": self.bot_token, "visitor_name": name,
                          "visitor_email": VISITOR, "issue": issue}))
            .send()
            .expect("intake answers")
            .json()
            .unwrap();
        v["ticket_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_string()
    }
}

/// The site the widget posts for, registered through the core before the app starts.
fn register_site(config: &Path, data: &Path) -> String {
    let config = deskbell::Config::load(Some(config), std::iter::empty()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let clock = std::sync::Arc::new(deskbell::clock::SystemClock);
        let inbox = deskbell::app::open_inbox(&config, data, clock).unwrap();
        let site = inbox
            .add_site("Rosa's Bakery", &["https://rosa.example".to_string()])
            .await
            .unwrap();
        site.bot_token
    })
}

fn row(ticket: &str) -> String {
    format!("{}[data-ticket-id=\"{ticket}\"]", css("ticket-row"))
}

/// Waits until some thread entry's text contains `needle`.
fn wait_entry(s: &Session, needle: &str) -> bool {
    s.wait_until(WAIT, || {
        s.find_all(&css("thread-entry"))
            .iter()
            .any(|e| s.text(e).contains(needle))
            .then_some(())
    })
    .is_some()
}

fn select(s: &Session, testid: &str, value: &str) {
    let el = s.wait(&css(testid), WAIT);
    s.execute(
        "const [el, v] = arguments; el.value = v; \
         el.dispatchEvent(new Event('input', {bubbles: true})); \
         el.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![Session::element_arg(&el), json!(value)],
    );
}

fn show_status(s: &Session, status: &str) {
    let filter = css("status-filter");
    let button = format!("{filter} [data-status=\"{status}\"], {filter}[data-status=\"{status}\"]");
    match s.find_all(&button).first() {
        Some(b) => s.click(b),
        None => select(s, "status-filter", status),
    }
}

#[test]
fn the_owner_works_a_ticket_from_the_desktop() {
    if std::env::var("DESKBELL_E2E").is_err() {
        eprintln!("skipped: run scripts/desktop-test (it builds ui/ and sets DESKBELL_E2E=1)");
        return;
    }
    let w = World::new();
    let s = w.launch();
    s.wait(&css("empty-state"), WAIT);
    s.wait_until(WAIT, || {
        s.find_all(&css("loading")).is_empty().then_some(())
    });
    s.screenshot(&shots().join("01-empty-inbox.png"));

    // A visitor posts a ticket: it shows up in the list, and a notification is posted.
    let issue = "My sourdough order #1042 has not arrived yet";
    let id = w.post_ticket("Ana Lima", issue);
    let r = s.wait(&row(&id), WAIT);
    let notified = s.wait_until(WAIT, || {
        w.desktop
            .notifications()
            .contains("New ticket from Ana Lima")
            .then_some(())
    });
    assert!(
        notified.is_some(),
        "no Notify call recorded:\n{}",
        w.desktop.notifications()
    );
    s.screenshot(&shots().join("02-ticket-list.png"));

    // Open it: the thread shows the visitor's words.
    s.click(&r);
    s.wait(&css("ticket-view"), WAIT);
    assert!(
        wait_entry(&s, "sourdough order #1042"),
        "the issue is not in the thread"
    );
    s.screenshot(&shots().join("03-ticket-open.png"));

    // Reply: it reaches the visitor's mailbox (through the real Postfix into Dovecot).
    let answer = "Hi Ana, it left the bakery this morning and arrives tomorrow.";
    let text = s.wait(&css("reply-text"), WAIT);
    s.click(&text);
    s.type_text(&text, answer);
    s.click(&s.wait(&css("reply-send"), WAIT));
    assert!(
        wait_entry(&s, "arrives tomorrow"),
        "the reply is not in the thread"
    );
    let sent = w
        .mail
        .wait_for(VISITOR, "arrives tomorrow", Duration::from_secs(30));
    let sent = sent.expect("the reply reached the visitor's mailbox");
    assert!(sent.contains(&id), "the reply carries the ticket id");
    s.screenshot(&shots().join("04-replied.png"));

    // A visitor's reply by mail appears in the open thread without a refresh (IMAP sync).
    visitor_replies_by_mail(&w, &s, &sent, &id);

    // Close the ticket; the change survives a restart of the app.
    select(&s, "status-select", "closed");
    let stored = s.wait_until(WAIT, || {
        let el = s.find_all(&css("status-select")).into_iter().next()?;
        (s.property(&el, "value") == json!("closed")).then_some(())
    });
    assert!(stored.is_some());
    std::thread::sleep(Duration::from_millis(500));
    s.end();
    let s = w.launch();
    show_status(&s, "closed");
    s.click(&s.wait(&row(&id), WAIT));
    let status = s.wait(&css("status-select"), WAIT);
    assert_eq!(
        s.property(&status, "value"),
        json!("closed"),
        "status after restart"
    );
    s.screenshot(&shots().join("05-after-restart.png"));

    // Settings: "Test connection" with a wrong password says so.
    s.click(&s.wait(&css("settings-open"), WAIT));
    s.wait(&css("settings-view"), WAIT);
    s.screenshot(&shots().join("06-settings.png"));

    // Saving settings restarts the core with them: the intake keeps answering on its port and
    // live updates keep reaching the window.
    let business = s.wait(&css("owner-business"), WAIT);
    s.clear(&business);
    s.type_text(&business, "Rosa's Bakery & Café");
    s.click(&s.wait(&css("settings-save"), WAIT));
    // Saved (and the core restarted) once the form says so.
    let saved = s.wait_until(WAIT, || {
        s.find_all(".muted.small")
            .iter()
            .any(|e| s.text(e) == "All changes saved.")
            .then_some(())
    });
    assert!(saved.is_some(), "the settings were not saved");
    let config = std::fs::read_to_string(&w.config).unwrap();
    assert!(config.contains("Rosa's Bakery & Café"), "{config}");
    let after = w.post_ticket("Cleo Park", "Is the café open on Mondays?");
    s.click(&s.wait(&css("settings-close"), WAIT));
    show_status(&s, "open");
    s.wait(&row(&after), WAIT);
    s.click(&s.wait(&css("settings-open"), WAIT));
    s.wait(&css("settings-view"), WAIT);
    let password = s.wait(&css("smtp-password"), WAIT);
    s.clear(&password);
    s.type_text(&password, "not-the-password");
    s.click(&s.wait(&css("smtp-test"), WAIT));
    let problem = s.wait_until(WAIT, || {
        let el = s.find_all(&css("check-result")).into_iter().next()?;
        s.attr(&el, "data-problem")
            .filter(|p| !p.is_empty() && p != "pending")
    });
    s.screenshot(&shots().join("07-settings-wrong-password.png"));
    assert_eq!(problem.as_deref(), Some("wrong_password"));

    // Closing the window hides to the tray: the app keeps running and still takes tickets.
    assert_eq!(x11::close_window(&w.desktop.display, "Deskbell"), 1);
    let gone = s.wait_until(WAIT, || {
        (x11::count_windows(&w.desktop.display, "Deskbell") == 0).then_some(())
    });
    assert!(gone.is_some(), "the window was not destroyed");
    let later = w.post_ticket("Ben Okafor", "Do you bake rye on Sundays?");
    assert!(
        later.starts_with("TKT-"),
        "the app still answers with the window closed"
    );
    s.end();
}

/// The visitor answers the owner's mail from their mail client: SMTP into the owner's mailbox,
/// threaded by In-Reply-To, picked up by the IMAP sync (IDLE) and pushed to the open window.
fn visitor_replies_by_mail(w: &World, s: &Session, sent: &str, id: &str) {
    let message_id = sent
        .lines()
        .find_map(|l| {
            l.strip_prefix("Message-ID: ")
                .or_else(|| l.strip_prefix("Message-Id: "))
        })
        .expect("the reply has a Message-ID")
        .trim()
        .to_string();
    let raw = format!(
        "From: Ana Lima <{VISITOR}>\r\nTo: {OWNER}\r\nSubject: Re: your order [{id}]\r\n\
         Message-ID: <visitor-{id}@example.test>\r\nIn-Reply-To: {message_id}\r\n\
         References: {message_id}\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\n\
         Wonderful, thank you so much!\r\n\r\n> {}\r\n",
        "Hi Ana, it left the bakery this morning."
    );
    let out = std::process::Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import smtplib,sys; s=smtplib.SMTP(sys.argv[1], int(sys.argv[2])); \
             s.sendmail(sys.argv[3], [sys.argv[4]], sys.stdin.buffer.read()); s.quit()",
            w.mail.get("MAILSTACK_HOST"),
            w.mail.get("MAILSTACK_SMTP_PORT"),
            VISITOR,
            OWNER,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(raw.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success(), "inject the visitor's reply");
    assert!(
        wait_entry(s, "Wonderful, thank you so much"),
        "the visitor's reply did not appear in the open thread"
    );
    s.screenshot(&shots().join("04b-visitor-replied.png"));
}
