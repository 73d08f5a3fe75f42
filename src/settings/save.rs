//! Saving the settings window's form: into the TOML file (keeping every key the window does
//! not edit; written atomically, mode 0600) and passwords into the secret store, never the file.

use super::*;

/// Sets `key` to a trimmed string, or removes it when blank.
fn put_str(table: &mut toml::Table, key: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        table.remove(key);
    } else {
        table.insert(key.into(), toml::Value::String(v.into()));
    }
}

fn section<'a>(root: &'a mut toml::Table, name: &str) -> &'a mut toml::Table {
    let slot = root
        .entry(name.to_string())
        .or_insert_with(|| toml::Value::Table(Default::default()));
    if !slot.is_table() {
        *slot = toml::Value::Table(Default::default());
    }
    slot.as_table_mut().expect("made a table above")
}

fn put_account(root: &mut toml::Table, name: &str, a: &AccountInput) {
    let t = section(root, name);
    match a.preset {
        Some(Preset::Gmail) => t.insert("preset".into(), "gmail".into()),
        None => t.remove("preset"),
    };
    put_str(t, "host", &a.host);
    match a.port {
        Some(p) => t.insert("port".into(), toml::Value::Integer(p.into())),
        None => t.remove("port"),
    };
    match a.security {
        Some(s) => t.insert("security".into(), s.as_str().into()),
        None => t.remove("security"),
    };
    put_str(t, "username", &a.username);
    t.remove("password");
}

/// Writes `input` into `config_path` (keeping every key the window does not edit), puts
/// passwords into `secrets`, and returns the settings as now stored. Nothing is written when
/// the input would not load back as a valid config.
pub fn save(
    config_path: &Path,
    input: &SettingsInput,
    secrets: &dyn SecretStore,
) -> Result<Settings, SettingsError> {
    let old_text = read_text(config_path)?;
    let mut root: toml::Table =
        old_text
            .parse()
            .map_err(|e: toml::de::Error| SettingsError::Syntax {
                path: config_path.to_path_buf(),
                message: e.to_string().trim().to_string(),
            })?;
    let old = parse_config(&old_text, config_path).ok();

    let owner = section(&mut root, "owner");
    put_str(owner, "email", &input.owner.email);
    put_str(owner, "name", &input.owner.name);
    put_str(owner, "business", &input.owner.business);
    put_str(owner, "timezone", &input.owner.timezone);
    put_str(
        owner,
        "signature",
        &input.owner.signature.replace("\r\n", "\n"),
    );
    let intake = section(&mut root, "intake");
    if !input.intake.listen.trim().is_empty() {
        put_str(intake, "listen", &input.intake.listen);
    }
    put_str(intake, "public_url", &input.intake.public_url);
    let url = input.intake.public_url.trim().to_ascii_lowercase();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        return Err(SettingsError::Invalid(
            "intake.public_url must start with https:// (your tunnel's address)".into(),
        ));
    }
    put_account(&mut root, "smtp", &input.smtp);
    put_account(&mut root, "imap", &input.imap);
    if let Some(m) = &input.mail {
        let mail = section(&mut root, "mail");
        mail.insert("new_tickets".into(), m.new_tickets.as_str().into());
        // The older key it replaces would only confuse a reader of the file.
        mail.remove("tickets_from_email");
        put_str(mail, "support_address", &m.support_address);
        mail.insert(
            "daily_send_limit".into(),
            toml::Value::Integer(m.daily_send_limit.into()),
        );
    }

    let text = toml::to_string_pretty(&root).expect("a TOML table serialises");
    let new = parse_config(&text, config_path)?;

    for (kind, a) in [
        (AccountKind::Smtp, &input.smtp),
        (AccountKind::Imap, &input.imap),
    ] {
        store_password(kind, a, old.as_ref(), &new, secrets)?;
    }
    write_private(config_path, text.as_bytes())?;
    let desktop = toml::to_string_pretty(&input.notifications).expect("serialises");
    write_private(&desktop_path(config_path), desktop.as_bytes())?;
    Ok(view(&new, input.notifications.clone(), secrets))
}

/// The password of one account after a save: the new one, none, or the one kept — moved to
/// the new username's key if the username changed, or out of the old file if it was there.
fn store_password(
    kind: AccountKind,
    input: &AccountInput,
    old: Option<&Config>,
    new: &Config,
    secrets: &dyn SecretStore,
) -> Result<(), SettingsError> {
    let Some(user) = account_user(new, kind) else {
        return Ok(());
    };
    let key = account_key(kind, user);
    let err = SettingsError::Secret;
    match input.password.as_ref().map(Password::expose) {
        Some("") => return secrets.delete(&key).map_err(err),
        Some(p) => return secrets.set(&key, p).map_err(err),
        None => {}
    }
    let Some(old) = old else { return Ok(()) };
    let old_account = match kind {
        AccountKind::Smtp => &old.smtp,
        AccountKind::Imap => &old.imap,
    };
    if let Some(p) = old_account
        .password
        .as_ref()
        .map(Password::expose)
        .filter(|p| !p.is_empty())
    {
        return secrets.set(&key, p).map_err(err);
    }
    if let Some(old_user) = account_user(old, kind).filter(|u| *u != user) {
        let old_key = account_key(kind, old_user);
        if secrets.get(&key).map_err(err)?.is_none() {
            if let Some(p) = secrets.get(&old_key).map_err(err)? {
                secrets.set(&key, &p).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Replaces `path` atomically with a file only the user can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SettingsError> {
    use std::io::Write;
    let err = |source| SettingsError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("toml.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
