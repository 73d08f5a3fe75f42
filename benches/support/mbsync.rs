//! Runs `mbsync` (isync) as the sync benchmark's reference client: a generated mbsyncrc that
//! pulls one IMAP INBOX into a temporary Maildir (`Sync Pull`, `Create Near`), no TLS (the
//! counting proxy sits on loopback), timed from spawn to exit.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `mbsync --version`; installs the test packages (Debian isync) first if it is missing.
pub fn version() -> String {
    if let Some(v) = installed() {
        return v;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-test-deps");
    eprintln!("mbsync missing: running {}", script.display());
    let ok = std::process::Command::new(&script)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "scripts/install-test-deps failed; install Debian's isync"
    );
    installed().expect("mbsync still missing after scripts/install-test-deps")
}

fn installed() -> Option<String> {
    std::process::Command::new("mbsync")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Mirrors `user`'s INBOX (plain IMAP on 127.0.0.1:`port`) into a fresh temp Maildir and
/// returns the wall time and how many messages landed. `fsync` keeps mbsync's default of
/// syncing every stored message to disk.
pub async fn mirror(
    port: u16,
    user: &str,
    pass: &str,
    version: &str,
    fsync: bool,
) -> (Duration, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let local = dir.path().join("mirror");
    std::fs::create_dir_all(&local).expect("mirror dir");
    // isync 1.4 still spells it SSLType; 1.5 renamed it TLSType (the old name still works
    // there, with a warning).
    let tls_key = if version.contains(" 1.4") || version.contains(" 1.3") {
        "SSLType"
    } else {
        "TLSType"
    };
    // mbsync's default fsyncs every message it stores; with `FSync no` the comparison is the
    // most favourable one for mbsync.
    let rc = format!(
        "FSync {fsync}\n\n\
         IMAPAccount bench\nHost 127.0.0.1\nPort {port}\nUser {user}\nPass {pass}\n{tls_key} None\n\
         AuthMechs LOGIN\n\n\
         IMAPStore remote\nAccount bench\n\n\
         MaildirStore local\nPath {path}/\nInbox {path}/INBOX\n\n\
         Channel inbox\nFar :remote:INBOX\nNear :local:INBOX\nSync Pull\nCreate Near\n\
         SyncState *\n",
        path = local.display(),
        fsync = if fsync { "yes" } else { "no" },
    );
    let rc_path = dir.path().join("mbsyncrc");
    std::fs::write(&rc_path, rc).expect("write mbsyncrc");
    let t = Instant::now();
    let child = tokio::process::Command::new("mbsync")
        .arg("-c")
        .arg(&rc_path)
        .arg("-q")
        .arg("inbox")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start mbsync");
    let out = tokio::time::timeout(Duration::from_secs(900), child.wait_with_output())
        .await
        .expect("mbsync finished within 15 minutes")
        .expect("mbsync ran");
    let wall = t.elapsed();
    assert!(
        out.status.success(),
        "mbsync failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let inbox = local.join("INBOX");
    let mirrored: usize = ["cur", "new"]
        .iter()
        .filter_map(|d| std::fs::read_dir(inbox.join(d)).ok())
        .map(|d| d.count())
        .sum();
    (wall, mirrored)
}
