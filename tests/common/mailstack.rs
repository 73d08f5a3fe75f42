//! The project's real test mail stack (Dovecot + Postfix on loopback, `scripts/mailstack`),
//! one private instance per test, stopped and removed on drop.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct MailStack {
    pub dir: PathBuf,
    env: HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mailstack")
}

impl MailStack {
    pub fn start() -> Self {
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).unwrap();
        let dir = PathBuf::from(format!("/tmp/dbms-{}", hex::encode(rnd)));
        let out = Command::new(script())
            .arg("start")
            .arg(&dir)
            .arg("--owner-pid")
            .arg(std::process::id().to_string())
            .output()
            .expect("run scripts/mailstack");
        assert!(
            out.status.success(),
            "mail stack did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = std::fs::read_to_string(dir.join("env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        Self { dir, env }
    }

    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} in mailstack env"))
    }

    pub fn password(&self) -> &str {
        self.get("MAILSTACK_PASSWORD")
    }

    fn run(&self, what: &str) {
        let out = Command::new(script())
            .arg(what)
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mailstack {what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn stop_smtp(&self) {
        self.run("stop-smtp");
    }

    pub fn start_smtp(&self) {
        self.run("start-smtp");
    }

    /// Deskbell config lines for sending as `owner` through the submission port (STARTTLS).
    pub fn smtp_config(&self, owner: &str, password: &str) -> String {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{owner}\"\npassword = \"{password}\"\nca_file = \"{}\"\n",
            self.get("MAILSTACK_SUBMISSION_PORT"),
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

    /// Restarts Dovecot only (connections drop; mail stays).
    pub fn restart_imap(&self) {
        self.run("restart-imap");
    }

    /// Gives `user`'s `folder` a new UIDVALIDITY, as a server does after rebuilding its index.
    pub fn set_uidvalidity(&self, user: &str, folder: &str, value: u32) {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(self.dir.join("dovecot.conf"))
            .args(["mailbox", "update", "-u", user, "--uid-validity"])
            .arg(value.to_string())
            .arg(folder)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "doveadm: {}",
            String::from_utf8_lossy(&out.stderr)
        );
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
        let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/imap_tool.py");
        let out = Command::new("/usr/bin/python3")
            .arg(helper)
            .args([
                cmd,
                self.get("MAILSTACK_HOST"),
                self.get("MAILSTACK_IMAPS_PORT"),
                self.get("MAILSTACK_CA"),
                user,
                self.password(),
                folder,
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "imap_tool {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
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

    /// Every message in `user`'s folder, raw, read over IMAPS.
    pub fn messages(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/imap_dump.py");
        let out = Command::new("/usr/bin/python3")
            .arg(helper)
            .args([
                self.get("MAILSTACK_HOST"),
                self.get("MAILSTACK_IMAPS_PORT"),
                self.get("MAILSTACK_CA"),
                user,
                self.password(),
                folder,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "imap read: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        list.iter().map(|h| hex::decode(h).unwrap()).collect()
    }

    /// Waits (bounded) until `user`'s INBOX holds at least `n` messages; returns them.
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
}

impl Drop for MailStack {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A unique address on the test domain.
pub fn address(prefix: &str) -> String {
    let mut rnd = [0u8; 4];
    getrandom::fill(&mut rnd).unwrap();
    format!("{prefix}-{}@example.test", hex::encode(rnd))
}
