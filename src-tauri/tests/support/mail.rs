//! The project's test mail stack (`scripts/mailstack`: Dovecot + Postfix on loopback), one
//! private instance, stopped on drop; mailboxes read over IMAPS with tests/support/imap_dump.py.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct MailStack {
    pub dir: PathBuf,
    env: HashMap<String, String>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl MailStack {
    pub fn start(dir: &Path) -> Self {
        let out = Command::new(repo().join("scripts/mailstack"))
            .arg("start")
            .arg(dir)
            .args(["--owner-pid", &std::process::id().to_string()])
            .output()
            .expect("scripts/mailstack");
        assert!(
            out.status.success(),
            "mail stack: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = std::fs::read_to_string(dir.join("env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        Self {
            dir: dir.to_path_buf(),
            env,
        }
    }

    pub fn get(&self, key: &str) -> &str {
        &self.env[key]
    }

    /// `[smtp]` config for sending as `user` over submission (STARTTLS) with `password`.
    pub fn smtp_config(&self, user: &str, password: &str) -> String {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{user}\"\npassword = \"{password}\"\nca_file = \"{}\"\n",
            self.get("MAILSTACK_SUBMISSION_PORT"),
            self.get("MAILSTACK_CA")
        )
    }

    /// `user`'s INBOX, each message raw (lossy UTF-8 is enough for assertions).
    pub fn inbox(&self, user: &str) -> Vec<String> {
        let out = Command::new("/usr/bin/python3")
            .arg(repo().join("tests/support/imap_dump.py"))
            .args([
                self.get("MAILSTACK_HOST"),
                self.get("MAILSTACK_IMAPS_PORT"),
                self.get("MAILSTACK_CA"),
                user,
                self.get("MAILSTACK_PASSWORD"),
                "INBOX",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hex: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        hex.iter()
            .map(|h| {
                let bytes: Vec<u8> = (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .collect()
    }

    /// Waits (bounded) for a message in `user`'s INBOX containing `needle`.
    pub fn wait_for(&self, user: &str, needle: &str, within: Duration) -> Option<String> {
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
        let _ = Command::new(repo().join("scripts/mailstack"))
            .arg("stop")
            .arg(&self.dir)
            .output();
    }
}
