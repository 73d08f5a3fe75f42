//! The OS keychain for real: a private D-Bus session bus with GNOME Keyring's Secret Service
//! on it, started by this test. Saving settings puts the SMTP and IMAP passwords there — not in
//! the config file, not in the fallback `secrets.json` — `secret-tool` (libsecret) reads them
//! back as any other program would, and a second process (`deskbell doctor`) logs in to the
//! real test mail stack with them.
//!
//! Needs `dbus-daemon`, `gnome-keyring-daemon` and `secret-tool` (scripts/install-test-deps).
//! One test in this binary: it points this process's `DBUS_SESSION_BUS_ADDRESS` at its bus.

mod common;

use common::mailstack::{address, MailStack};
use deskbell::secrets::{account_key, AccountKind, SECRETS_FILE};
use deskbell::settings::{
    self, AccountInput, IntakeSettings, NotificationSettings, Owner, Security, SettingsInput,
};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A session bus and a GNOME Keyring (Secret Service only, its login keyring unlocked) in a
/// temp home; both stopped on drop.
struct Keyring {
    bus: Child,
    daemon: Child,
    address: String,
    home: tempfile::TempDir,
}

fn needs(program: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
    assert!(
        found,
        "{program} is not installed: run scripts/install-test-deps (gnome-keyring, \
         libsecret-tools, dbus)"
    );
}

impl Keyring {
    fn start() -> Self {
        for p in [
            "dbus-daemon",
            "dbus-send",
            "gnome-keyring-daemon",
            "secret-tool",
        ] {
            needs(p);
        }
        let home = tempfile::tempdir().unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Its first line is the address; read on a thread so a silent daemon cannot hang us.
        let out = bus.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = std::io::BufReader::new(out);
            let mut line = String::new();
            let _ = out.read_line(&mut line);
            let _ = tx.send(line);
            // Keep the pipe open: services the bus starts inherit it and must not get SIGPIPE.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        let address = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("dbus-daemon prints its address")
            .trim()
            .to_string();
        assert!(address.starts_with("unix:"), "bus address {address:?}");
        let run = home.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // --unlock reads the login keyring's password from stdin (and creates the keyring).
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"keyring-test-password").unwrap();
        drop(stdin);
        let k = Self {
            bus,
            daemon,
            address,
            home,
        };
        k.wait_ready();
        k
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .env_remove("DESKBELL_SECRETS");
        c
    }

    /// Until our daemon owns the Secret Service's name (asked without D-Bus activation, which
    /// would start a second, locked keyring that wins the name), then until a store and a
    /// lookup through libsecret both work.
    fn wait_ready(&self) {
        let start = Instant::now();
        loop {
            let owned = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"));
            if owned {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "gnome-keyring-daemon never took the Secret Service name on {}",
                self.address
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        loop {
            let mut store = self.command("secret-tool");
            store.args([
                "store",
                "--label=probe",
                "service",
                "keychain-test",
                "username",
                "probe",
            ]);
            let stored = store
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .and_then(|mut c| {
                    c.stdin.take().unwrap().write_all(b"ready")?;
                    c.wait()
                })
                .is_ok_and(|s| s.success());
            if stored && self.lookup("keychain-test", "probe").as_deref() == Some("ready") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the Secret Service never became ready on {}",
                self.address
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `secret-tool lookup service SERVICE username USER`: what another program reads.
    fn lookup(&self, service: &str, user: &str) -> Option<String> {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", service, "username", user])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn account(ms: &MailStack, port: &str, security: Security, user: &str, pw: &str) -> AccountInput {
    AccountInput {
        preset: None,
        host: ms.get("MAILSTACK_HOST").to_string(),
        port: Some(port.parse().unwrap()),
        security: Some(security),
        username: user.to_string(),
        password: Some(deskbell::secrets::Password::from(pw.to_string())),
    }
}

fn no_secrets_file(data: &Path) {
    assert!(
        !data.join(SECRETS_FILE).exists(),
        "nothing reaches the fallback file while the keychain is up"
    );
}

#[test]
fn settings_keep_passwords_in_the_real_keychain_and_a_second_process_logs_in_with_them() {
    let keyring = Keyring::start();
    // This process's keychain client (the keyring crate) finds the Secret Service here.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    std::env::remove_var("DESKBELL_SECRETS");
    let ms = MailStack::start();
    let owner = address("owner");
    let dir = tempfile::tempdir().unwrap();
    let (conf, data) = (dir.path().join("config.toml"), dir.path().join("data"));
    std::fs::create_dir_all(&data).unwrap();
    // The test CA is a key the window does not edit: written by hand, kept by the save.
    let ca = ms.get("MAILSTACK_CA");
    std::fs::write(
        &conf,
        format!("[smtp]\nca_file = \"{ca}\"\n[imap]\nca_file = \"{ca}\"\n"),
    )
    .unwrap();

    let store = deskbell::secrets::open(&data);
    assert_eq!(store.kind(), "keychain", "the Secret Service is found");
    let input = SettingsInput {
        owner: Owner {
            email: owner.clone(),
            name: "Rosa".into(),
            business: "Rosa's Bakery".into(),
            timezone: "UTC".into(),
            signature: String::new(),
        },
        smtp: account(
            &ms,
            ms.get("MAILSTACK_SUBMISSION_PORT"),
            Security::Starttls,
            &owner,
            ms.password(),
        ),
        imap: account(
            &ms,
            ms.get("MAILSTACK_IMAPS_PORT"),
            Security::Tls,
            &owner,
            ms.password(),
        ),
        intake: IntakeSettings {
            listen: "127.0.0.1:0".into(),
            public_url: String::new(),
        },
        mail: None,
        notifications: NotificationSettings {
            enabled: true,
            paused: false,
        },
    };
    settings::save(&conf, &input, &*store).unwrap();

    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(
        !text.contains(ms.password()),
        "no password in the config: {text}"
    );
    assert!(
        text.contains(ca),
        "keys the window does not edit stay: {text}"
    );
    no_secrets_file(&data);
    // Where any Secret Service client finds them: service `deskbell`, user `smtp:<user>`.
    for kind in [AccountKind::Smtp, AccountKind::Imap] {
        assert_eq!(
            keyring
                .lookup("deskbell", &account_key(kind, &owner))
                .as_deref(),
            Some(ms.password()),
            "{kind:?} password in the keychain"
        );
        assert_eq!(
            store.get(&account_key(kind, &owner)).unwrap().as_deref(),
            Some(ms.password())
        );
    }
    let loaded = settings::load(&conf, &*store).unwrap();
    let json = serde_json::to_string(&loaded).unwrap();
    assert!(
        !json.contains(ms.password()),
        "the settings view never carries the password"
    );

    // Another process reads them from the keychain and logs in to both servers.
    let out = keyring
        .command(env!("CARGO_BIN_EXE_deskbell"))
        .arg("--config")
        .arg(&conf)
        .arg("--data-dir")
        .arg(&data)
        .arg("doctor")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("SMTP:") && stdout.contains("… logged in"),
        "{stdout}"
    );
    assert!(
        stdout.contains("IMAP:") && stdout.contains("logged in; INBOX holds"),
        "{stdout}"
    );
    assert!(!stderr.contains("no OS keychain"), "{stderr}");
    no_secrets_file(&data);

    // Forgetting a password ("" in the window) removes it from the keychain.
    let mut forget = input.clone();
    forget.imap.password = Some(deskbell::secrets::Password::default());
    forget.smtp.password = None;
    settings::save(&conf, &forget, &*store).unwrap();
    assert_eq!(
        keyring.lookup("deskbell", &account_key(AccountKind::Imap, &owner)),
        None
    );
    assert_eq!(
        keyring
            .lookup("deskbell", &account_key(AccountKind::Smtp, &owner))
            .as_deref(),
        Some(ms.password()),
        "a null password keeps the stored one"
    );
    no_secrets_file(&data);
}
