//! Test support (never published): the project's real test mail stack, Dovecot + Postfix on
//! loopback as started by `scripts/mailstack`, one private instance per [`MailStack`], stopped
//! on drop. The one copy used by the core integration tests (`tests/common/mailstack.rs`
//! re-exports it), the desktop end-to-end tests (`src-tauri/tests/e2e.rs`) and the benches
//! (`benches/sync.rs`).
//!
//! It owns:
//! - starting an instance, either in a fresh short directory under /tmp that it deletes on drop
//!   ([`MailStack::start`]) or in a directory the caller owns ([`MailStack::start_in`]); either
//!   way the stack is tied to this process (`--owner-pid`), so it also stops if a test dies;
//! - reading the instance's `env` file (ports, CA, password: [`MailStack::get`]);
//! - Deskbell config snippets for sending and reading as a user ([`MailStack::smtp_config`],
//!   [`MailStack::smtps_config`], [`MailStack::imap_config`]);
//! - driving the stack (stop/start Postfix, restart Dovecot, set a folder's UIDVALIDITY);
//! - putting mail in (Postfix's injection port: [`MailStack::deliver`]; IMAP APPEND:
//!   [`MailStack::append`]) and reading it back over IMAPS, with the two Python helpers kept
//!   next to this crate's manifest (`imap_dump.py`, `imap_tool.py`);
//! - unique addresses on the test domain ([`address`]).
//!
//! `scripts/mailstack` and the helpers are found from this crate's own `CARGO_MANIFEST_DIR`, so
//! it works the same whichever package's tests use it. It needs Dovecot and Postfix installed
//! (`scripts/install-test-deps`) and runs as root, like the script.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One running instance of the test mail stack; stopped (and its directory removed, when
/// [`MailStack::start`] chose it) on drop.
pub struct MailStack {
    /// The instance directory (configs, mail, logs, `env`).
    pub dir: PathBuf,
    env: HashMap<String, String>,
    /// Whether drop removes `dir` (true when this crate chose it).
    remove_dir: bool,
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn script() -> PathBuf {
    crate_dir().join("../../scripts/mailstack")
}

fn python_helper(name: &str) -> PathBuf {
    crate_dir().join(name)
}

impl MailStack {
    /// Starts an instance in a fresh directory under /tmp (short: Unix socket paths are limited
    /// to 108 bytes), removed again on drop.
    pub fn start() -> Self {
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).unwrap();
        let dir = PathBuf::from(format!("/tmp/dbms-{}", hex::encode(rnd)));
        let mut ms = Self::launch(&dir);
        ms.remove_dir = true;
        ms
    }

    /// Starts an instance in `dir` (created by the script; keep the path short). The directory
    /// is the caller's: drop stops the stack but leaves `dir` in place.
    pub fn start_in(dir: &Path) -> Self {
        Self::launch(dir)
    }

    fn launch(dir: &Path) -> Self {
        let mut start = Command::new(script());
        start.arg("start").arg(dir).arg("--owner-pid");
        start.arg(std::process::id().to_string());
        run_ok(&mut start, "mail stack start");
        let env = std::fs::read_to_string(dir.join("env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        Self {
            dir: dir.to_path_buf(),
            env,
            remove_dir: false,
        }
    }

    /// A value from the instance's `env` file (e.g. `MAILSTACK_IMAPS_PORT`); panics if absent.
    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} in mailstack env"))
    }

    /// The password every user logs in with.
    pub fn password(&self) -> &str {
        self.get("MAILSTACK_PASSWORD")
    }

    fn run(&self, what: &str) {
        run_ok(
            Command::new(script()).arg(what).arg(&self.dir),
            &format!("mailstack {what}"),
        );
    }

    /// Stops Postfix only ("SMTP down").
    pub fn stop_smtp(&self) {
        self.run("stop-smtp");
    }

    /// Starts Postfix again (same ports, same queue).
    pub fn start_smtp(&self) {
        self.run("start-smtp");
    }

    /// Restarts Dovecot only (connections drop; mail stays).
    pub fn restart_imap(&self) {
        self.run("restart-imap");
    }

    /// Deskbell config lines for sending as `owner` through the submission port (STARTTLS).
    pub fn smtp_config(&self, owner: &str, password: &str) -> String {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{owner}\"\npassword = \"{password}\"\nca_file = \"{}\"\n",
            self.get("MAILSTACK_SUBMISSION_PORT"),
            self.get("MAILSTACK_CA"),
        )
    }

    /// Deskbell config lines for sending as `owner` through the SMTPS port (implicit TLS from
    /// the first byte, like Gmail's 465).
    pub fn smtps_config(&self, owner: &str, password: &str) -> String {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"{owner}\"\npassword = \"{password}\"\nca_file = \"{}\"\n",
            self.get("MAILSTACK_SMTPS_PORT"),
            self.get("MAILSTACK_CA"),
        )
    }

    /// Deskbell config lines for reading `owner`'s mailbox over IMAPS (implicit TLS).
    pub fn imap_config(&self, owner: &str) -> String {
        format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"{owner}\"\npassword = \"{}\"\nca_file = \"{}\"\n",
            self.get("MAILSTACK_IMAPS_PORT"),
            self.password(),
            self.get("MAILSTACK_CA"),
        )
    }

    /// Gives `user`'s `folder` a new UIDVALIDITY, as a server does after rebuilding its index.
    pub fn set_uidvalidity(&self, user: &str, folder: &str, value: u32) {
        let mut doveadm = Command::new("doveadm");
        doveadm.arg("-c").arg(self.dir.join("dovecot.conf"));
        doveadm.args(["mailbox", "update", "-u", user, "--uid-validity"]);
        run_ok(doveadm.arg(value.to_string()).arg(folder), "doveadm");
    }

    /// Delivers `raw` to `to` through Postfix's plain injection port (as another server would).
    pub async fn deliver(&self, from: &str, to: &str, raw: &[u8]) {
        use lettre::{AsyncTransport, Tokio1Executor};
        let t = lettre::AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(self.get("MAILSTACK_SMTP_PORT").parse().unwrap())
            .build();
        let env =
            lettre::address::Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()])
                .unwrap();
        t.send_raw(&env, raw)
            .await
            .expect("deliver through postfix");
    }

    fn tool(&self, cmd: &str, user: &str, folder: &str, extra: &[&str]) -> Vec<u8> {
        let mut tool = Command::new("/usr/bin/python3");
        tool.arg(python_helper("imap_tool.py")).args([
            cmd,
            self.get("MAILSTACK_HOST"),
            self.get("MAILSTACK_IMAPS_PORT"),
            self.get("MAILSTACK_CA"),
            user,
            self.password(),
            folder,
        ]);
        run_ok(tool.args(extra), &format!("imap_tool {cmd}"))
    }

    /// Stores `raw` in `user`'s `folder` (IMAP APPEND), e.g. the copy Gmail keeps in Sent.
    pub fn append(&self, user: &str, folder: &str, raw: &[u8]) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), raw).unwrap();
        self.tool("append", user, folder, &[file.path().to_str().unwrap()]);
    }

    /// The FLAGS of each message in `user`'s `folder`.
    pub fn flags(&self, user: &str, folder: &str) -> Vec<String> {
        serde_json::from_slice(&self.tool("flags", user, folder, &[])).unwrap()
    }

    /// Every message in `user`'s `folder`, raw, read over IMAPS (read-only).
    pub fn messages(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        let mut dump = Command::new("/usr/bin/python3");
        dump.arg(python_helper("imap_dump.py")).args([
            self.get("MAILSTACK_HOST"),
            self.get("MAILSTACK_IMAPS_PORT"),
            self.get("MAILSTACK_CA"),
            user,
            self.password(),
            folder,
        ]);
        let out = run_ok(&mut dump, "imap read");
        let list: Vec<String> = serde_json::from_slice(&out).unwrap();
        list.iter().map(|h| hex::decode(h).unwrap()).collect()
    }

    /// `user`'s INBOX, each message raw as lossy UTF-8 (enough for text assertions).
    pub fn inbox(&self, user: &str) -> Vec<String> {
        self.messages(user, "INBOX")
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .collect()
    }

    /// Waits (bounded) until `user`'s INBOX holds at least `n` messages; returns them (fewer
    /// if `within` passed first).
    pub fn wait_for(&self, user: &str, n: usize, within: Duration) -> Vec<Vec<u8>> {
        let start = Instant::now();
        loop {
            let got = self.messages(user, "INBOX");
            if got.len() >= n || start.elapsed() > within {
                return got;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits (bounded) for a message in `user`'s INBOX containing `needle` (see
    /// [`MailStack::inbox`]); `None` if none arrived within `within`.
    pub fn wait_for_text(&self, user: &str, needle: &str, within: Duration) -> Option<String> {
        let start = Instant::now();
        loop {
            if let Some(m) = self.inbox(user).into_iter().find(|m| m.contains(needle)) {
                return Some(m);
            }
            if start.elapsed() > within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

impl Drop for MailStack {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).output();
        if self.remove_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A unique address on the test domain.
pub fn address(prefix: &str) -> String {
    let mut rnd = [0u8; 4];
    getrandom::fill(&mut rnd).unwrap();
    format!("{prefix}-{}@example.test", hex::encode(rnd))
}

/// Runs `cmd` to the end; panics with its stderr unless it succeeded. Returns its stdout.
fn run_ok(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
