//! Settings the window reads and writes: the TOML file stays loadable by `Config::load`, keeps
//! the keys the window does not edit, and never holds a password; passwords go to a
//! `SecretStore` (the 0600 file fallback, and an in-memory one standing in for a keychain).

use deskbell::config::{Config, NewTickets};
use deskbell::secrets::{fill_secrets, FileStore, SecretError, SecretStore};
use deskbell::settings::{
    self, AccountInput, IntakeSettings, MailSettings, NotificationSettings, Owner, Preset,
    Security, SettingsInput,
};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }
    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        self.0.lock().unwrap().insert(key.into(), secret.into());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.0.lock().unwrap().remove(key);
        Ok(())
    }
}

fn input(password: Option<&str>) -> SettingsInput {
    SettingsInput {
        owner: Owner {
            email: "rosa@gmail.com".into(),
            name: "Rosa".into(),
            business: "Rosa's Bakery".into(),
            timezone: "Europe/Berlin".into(),
            signature: "Rosa\r\nRosa's Bakery · Berlin\n".into(),
        },
        smtp: AccountInput {
            preset: Some(Preset::Gmail),
            password: password.map(deskbell::secrets::Password::from),
            ..AccountInput::default()
        },
        imap: AccountInput {
            host: "imap.gmail.com".into(),
            port: Some(993),
            security: Some(Security::Tls),
            username: "rosa@gmail.com".into(),
            password: None,
            ..AccountInput::default()
        },
        intake: IntakeSettings {
            listen: "127.0.0.1:7979".into(),
            public_url: "https://help.rosa.example".into(),
        },
        mail: None,
        notifications: NotificationSettings {
            enabled: true,
            paused: true,
        },
    }
}

fn load_back(path: &std::path::Path) -> Config {
    Config::load(Some(path), Vec::<(String, String)>::new()).expect("the written file loads")
}

#[test]
fn a_fresh_save_writes_a_loadable_file_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config").join("config.toml");
    let secrets = MemoryStore::default();

    let before = settings::load(&path, &secrets).unwrap();
    assert!(!before.configured, "no file yet: first run");

    let saved = settings::save(&path, &input(Some("abcd efgh ijkl mnop")), &secrets).unwrap();
    assert!(saved.configured && saved.smtp.has_password, "{saved:?}");
    assert!(!saved.imap.has_password);
    assert_eq!(saved.smtp.preset, Some(Preset::Gmail));
    assert!(saved.notifications.paused);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("abcd efgh"), "{text}");
    assert!(!text.contains("password"), "{text}");
    let cfg = load_back(&path);
    assert_eq!(cfg.owner.email.as_deref(), Some("rosa@gmail.com"));
    // The signature keeps its lines (CRLF becomes LF; the blank edges go).
    assert_eq!(
        cfg.owner.signature.as_deref(),
        Some("Rosa\nRosa's Bakery · Berlin")
    );
    assert_eq!(saved.owner.signature, "Rosa\nRosa's Bakery · Berlin");
    assert_eq!(cfg.intake.listen, "127.0.0.1:7979");
    assert_eq!(cfg.imap.port, Some(993));
    assert!(cfg.smtp.password.is_none());
    assert_eq!(
        secrets.get("smtp:rosa@gmail.com").unwrap().as_deref(),
        Some("abcd efgh ijkl mnop")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Read again from disk: the same view, passwords still not in it.
    let again = settings::load(&path, &secrets).unwrap();
    assert_eq!(again, saved);
    let json = serde_json::to_string(&again).unwrap();
    assert!(
        !json.contains("abcd") && json.contains("hasPassword"),
        "{json}"
    );

    // The password reaches the running config through the store only.
    let mut cfg = load_back(&path);
    fill_secrets(&mut cfg, &secrets);
    assert_eq!(
        cfg.smtp.password.as_ref().map(|p| p.expose()),
        Some("abcd efgh ijkl mnop")
    );
    assert!(cfg.imap.password.is_none());
}

#[test]
fn keys_the_window_does_not_edit_survive_and_a_hand_written_password_moves_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[owner]\nemail = \"old@example.com\"\n\
         [intake]\nclient_rate_per_minute = 5\ntrust_forwarded_header = \"cf-connecting-ip\"\n\
         [smtp]\nhost = \"smtp.example.com\"\nusername = \"rosa@gmail.com\"\npassword = \"typed-by-hand\"\nca_file = \"/etc/ssl/company.pem\"\n\
         [mail]\nconfirm_visitor = false\nmax_age_hours = 12\n\
         [store]\ncommit = \"naive\"\n",
    )
    .unwrap();
    let secrets = MemoryStore::default();
    let mut inp = input(None);
    inp.smtp = AccountInput {
        host: "smtp.example.com".into(),
        username: "rosa@gmail.com".into(),
        password: None,
        ..AccountInput::default()
    };
    let saved = settings::save(&path, &inp, &secrets).unwrap();
    assert!(saved.smtp.has_password);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("typed-by-hand"), "{text}");
    let cfg = load_back(&path);
    assert_eq!(cfg.intake.client_rate_per_minute, 5);
    assert_eq!(
        cfg.intake.trust_forwarded_header.header().as_deref(),
        Some("cf-connecting-ip")
    );
    assert_eq!(
        cfg.smtp.ca_file.as_deref(),
        Some(std::path::Path::new("/etc/ssl/company.pem"))
    );
    assert!(!cfg.mail.confirm_visitor);
    assert_eq!(cfg.mail.max_age_hours, 12);
    assert_eq!(cfg.store.commit, deskbell::config::CommitSetting::Naive);
    assert_eq!(cfg.owner.email.as_deref(), Some("rosa@gmail.com"));
    assert_eq!(
        secrets.get("smtp:rosa@gmail.com").unwrap().as_deref(),
        Some("typed-by-hand")
    );

    // A new username keeps the stored password; an empty one forgets it.
    inp.smtp.username = "shop@rosa.example".into();
    let saved = settings::save(&path, &inp, &secrets).unwrap();
    assert!(saved.smtp.has_password);
    assert_eq!(
        secrets.get("smtp:shop@rosa.example").unwrap().as_deref(),
        Some("typed-by-hand")
    );
    inp.smtp.password = Some(deskbell::secrets::Password::default());
    let saved = settings::save(&path, &inp, &secrets).unwrap();
    assert!(!saved.smtp.has_password);
    assert!(!saved.configured);
}

#[test]
fn which_mail_makes_tickets_and_the_budget_are_saved_and_the_old_key_goes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[owner]\nemail = \"rosa@gmail.com\"\n[mail]\ntickets_from_email = true\nmax_age_hours = 12\n",
    )
    .unwrap();
    let secrets = MemoryStore::default();
    let before = settings::load(&path, &secrets).unwrap();
    assert_eq!(
        before.mail.settings.new_tickets,
        NewTickets::All,
        "an old config that asked for every mail keeps it"
    );
    assert_eq!(before.mail.settings.support_address, "");
    assert_eq!(
        before.mail.default_support_address,
        "rosa+support@gmail.com"
    );
    assert_eq!(before.mail.settings.daily_send_limit, 400);

    let mut inp = input(None);
    inp.mail = Some(MailSettings {
        new_tickets: NewTickets::Support,
        support_address: " help@rosa.example ".into(),
        daily_send_limit: 1800,
    });
    let saved = settings::save(&path, &inp, &secrets).unwrap();
    assert_eq!(saved.mail.settings.support_address, "help@rosa.example");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("tickets_from_email"), "{text}");
    let cfg = load_back(&path);
    assert_eq!(cfg.mail.new_tickets(), NewTickets::Support);
    assert_eq!(
        cfg.mail
            .support_address(cfg.owner.email.as_deref())
            .as_deref(),
        Some("help@rosa.example")
    );
    assert_eq!(cfg.mail.daily_send_limit, 1800);
    assert_eq!(
        cfg.mail.max_age_hours, 12,
        "keys the window does not edit stay"
    );

    // Blank = the default plus-address again; a bad address or limit is refused by key.
    inp.mail.as_mut().unwrap().support_address = "".into();
    let saved = settings::save(&path, &inp, &secrets).unwrap();
    assert_eq!(saved.mail.settings.support_address, "");
    let cfg = load_back(&path);
    assert_eq!(
        cfg.mail
            .support_address(cfg.owner.email.as_deref())
            .as_deref(),
        Some("rosa+support@gmail.com")
    );
    for (m, key) in [
        (
            MailSettings {
                new_tickets: NewTickets::Support,
                support_address: "help".into(),
                daily_send_limit: 400,
            },
            "mail.support_address",
        ),
        (
            MailSettings {
                new_tickets: NewTickets::Off,
                support_address: "".into(),
                daily_send_limit: 0,
            },
            "mail.daily_send_limit",
        ),
    ] {
        inp.mail = Some(m);
        let e = settings::save(&path, &inp, &secrets)
            .unwrap_err()
            .to_string();
        assert!(e.contains(key), "{e}");
    }
}

#[test]
fn invalid_input_is_refused_with_the_key_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let secrets = MemoryStore::default();
    settings::save(&path, &input(Some("pw")), &secrets).unwrap();
    let before = std::fs::read(&path).unwrap();

    for (change, key) in [
        (
            (|i: &mut SettingsInput| i.owner.timezone = "Mars/Base".into())
                as fn(&mut SettingsInput),
            "owner.timezone",
        ),
        (|i| i.owner.email = "not an address".into(), "owner.email"),
        (|i| i.intake.listen = "everywhere".into(), "intake.listen"),
        (
            |i| i.intake.public_url = "ftp://x".into(),
            "intake.public_url",
        ),
        (
            |i| {
                i.smtp.host = "smtp.example.com".into();
                i.smtp.security = Some(Security::Plain);
            },
            "smtp.security",
        ),
    ] {
        let mut bad = input(Some("new-pw"));
        change(&mut bad);
        let e = settings::save(&path, &bad, &secrets).unwrap_err();
        assert_eq!(e.code(), "invalid");
        assert!(e.to_string().contains(key), "{key}: {e}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "file untouched");
    assert_eq!(
        secrets.get("smtp:rosa@gmail.com").unwrap().as_deref(),
        Some("pw"),
        "secret untouched"
    );
}

#[test]
fn the_file_store_is_private_persistent_and_reports_damage() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path());
    assert_eq!(store.get("smtp:a").unwrap(), None);
    store.set("smtp:a", "one").unwrap();
    store.set("imap:a", "two \"quoted\" ü").unwrap();
    store.delete("nothing:here").unwrap();

    let reopened = FileStore::new(dir.path());
    assert_eq!(reopened.get("smtp:a").unwrap().as_deref(), Some("one"));
    assert_eq!(
        reopened.get("imap:a").unwrap().as_deref(),
        Some("two \"quoted\" ü")
    );
    reopened.delete("smtp:a").unwrap();
    assert_eq!(store.get("smtp:a").unwrap(), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Settings work the same over the file store.
    let path = dir.path().join("config.toml");
    settings::save(&path, &input(Some("file-secret")), &store).unwrap();
    assert!(!std::fs::read_to_string(&path)
        .unwrap()
        .contains("file-secret"));
    let mut cfg = load_back(&path);
    fill_secrets(&mut cfg, &store);
    assert_eq!(
        cfg.smtp.password.as_ref().map(|p| p.expose()),
        Some("file-secret")
    );

    std::fs::write(store.path(), "not json").unwrap();
    assert!(matches!(
        store.get("smtp:a"),
        Err(SecretError::Damaged { .. })
    ));
}

#[test]
fn fill_secrets_keeps_explicit_passwords() {
    let secrets = MemoryStore::default();
    secrets.set("smtp:rosa@gmail.com", "from-store").unwrap();
    secrets.set("imap:rosa@gmail.com", "imap-store").unwrap();
    let mut cfg = Config::from_toml(
        "[owner]\nemail = \"rosa@gmail.com\"\n[smtp]\npassword = \"from-env\"\n",
        "t",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    fill_secrets(&mut cfg, &secrets);
    assert_eq!(
        cfg.smtp.password.as_ref().map(|p| p.expose()),
        Some("from-env")
    );
    assert_eq!(
        cfg.imap.password.as_ref().map(|p| p.expose()),
        Some("imap-store")
    );
}

#[test]
fn open_falls_back_to_the_file_when_asked_or_without_a_keychain() {
    let dir = tempfile::tempdir().unwrap();
    // Whichever this machine offers; without a Secret Service on the bus it is the file.
    let store = deskbell::secrets::open(dir.path());
    assert!(["keychain", "file"].contains(&store.kind()));
    if store.kind() == "file" {
        store.set("smtp:x", "y").unwrap();
        assert!(dir.path().join(deskbell::secrets::SECRETS_FILE).exists());
    }
}
