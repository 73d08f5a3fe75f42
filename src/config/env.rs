//! The environment overlay: `DESKBELL_<SECTION>_<KEY>` variables written into the parsed TOML
//! table before it is deserialized, so a variable wins over the file and is checked exactly
//! like a file key. Variables for unknown sections (e.g. `DESKBELL_DATA_DIR`, a CLI flag's)
//! are left to their owners; unknown keys in a known section fail like a typo in the file.
//!
//! Returns which key came from which variable, so errors can name the variable instead of
//! the file. Reading `std::env` is the binary's job: the variables are passed in.

use super::ConfigError;

/// The sections a variable may set; the other `DESKBELL_*` variables are not config keys.
const SECTIONS: &[&str] = &[
    "owner", "intake", "smtp", "imap", "mail", "store", "tunnel", "backup",
];

/// Set by Deskbell for its tunnel program (`crate::tunnel`), not a config key: a `deskbell`
/// run from the tunnel's script must not refuse it as an unknown `intake.url`.
const NOT_KEYS: &[&str] = &["DESKBELL_INTAKE_URL"];

/// Writes each `DESKBELL_<SECTION>_<KEY>` into `table` and returns the `(section.key,
/// variable)` pairs it wrote, in order.
pub(super) fn overlay(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
    origin: &str,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut env_keys = Vec::new();
    for (var, raw) in env {
        let Some(rest) = var.strip_prefix("DESKBELL_") else {
            continue;
        };
        if NOT_KEYS.contains(&var.as_str()) {
            continue;
        }
        let rest = rest.to_ascii_lowercase();
        let Some((section, key)) = rest.split_once('_') else {
            continue;
        };
        if !SECTIONS.contains(&section) {
            continue;
        }
        let slot = table
            .entry(section.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
        let Some(section_table) = slot.as_table_mut() else {
            return Err(ConfigError::Key {
                key: section.to_string(),
                origin: origin.to_string(),
                message: "must be a table".into(),
            });
        };
        section_table.insert(key.to_string(), env_value(&raw));
        env_keys.push((format!("{section}.{key}"), var));
    }
    Ok(env_keys)
}

/// Environment values are text; numbers and booleans become TOML scalars so they fit numeric
/// keys, and string-typed keys accept them back (see `lenient_string`).
fn env_value(raw: &str) -> toml::Value {
    if let Ok(b) = raw.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    toml::Value::String(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::tests::env;
    use super::super::Config;

    #[test]
    fn environment_overrides_file() {
        let c = Config::from_toml(
            "[intake]\nlisten = \"127.0.0.1:1\"\n",
            "t",
            env(&[
                ("DESKBELL_INTAKE_LISTEN", "127.0.0.1:0"),
                ("DESKBELL_SMTP_PASSWORD", "123456"),
                ("DESKBELL_SMTP_PORT", "587"),
                ("DESKBELL_MAIL_CONFIRM_VISITOR", "false"),
                ("DESKBELL_DATA_DIR", "/ignored"),
                ("DESKBELL_INTAKE_URL", "http://127.0.0.1:7878"),
            ]),
        )
        .unwrap();
        assert_eq!(c.intake.listen, "127.0.0.1:0");
        assert_eq!(c.smtp.password.as_ref().map(|p| p.expose()), Some("123456"));
        assert_eq!(c.smtp.port, Some(587));
        assert!(!c.mail.confirm_visitor);
    }
}
