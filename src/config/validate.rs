//! Checks serde cannot express, run once after loading so the rest of the program may rely on
//! them (`Config::listen_addr` does): a known IANA time zone, a plausible owner address, a
//! parseable listen address, sane limits, and `security = "plain"` only to a loopback host,
//! since it sends the password in clear.
//!
//! Each failure names the key and, when an environment variable set it, that variable.
//! Whether the servers answer is `mail::check`'s business, not this.

use super::{Config, ConfigError, Security};
use std::net::SocketAddr;

impl Config {
    pub(super) fn validate(
        &self,
        origin: &str,
        env_keys: &[(String, String)],
    ) -> Result<(), ConfigError> {
        let bad = |key: &str, message: String| {
            let origin = env_keys
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, var)| format!("environment variable {var}"))
                .unwrap_or_else(|| origin.to_string());
            ConfigError::Key {
                key: key.to_string(),
                origin,
                message,
            }
        };
        if let Some(tz) = &self.owner.timezone {
            tz.parse::<chrono_tz::Tz>().map_err(|_| {
                bad(
                    "owner.timezone",
                    format!(
                        "unknown time zone {tz:?} (use an IANA name such as \"Europe/Berlin\")"
                    ),
                )
            })?;
        }
        if let Some(email) = &self.owner.email {
            if !crate::domain::validate::is_plausible_email(email) {
                return Err(bad(
                    "owner.email",
                    format!("{email:?} is not an email address"),
                ));
            }
        }
        self.intake.listen.parse::<SocketAddr>().map_err(|_| {
            bad(
                "intake.listen",
                format!(
                    "{:?} is not an address:port such as \"127.0.0.1:7878\"",
                    self.intake.listen
                ),
            )
        })?;
        if self.intake.max_body_bytes < 1024 {
            Err(bad("intake.max_body_bytes", "must be at least 1024".into()))?;
        }
        if self.intake.client_rate_per_minute == 0 || self.intake.global_rate_per_second == 0 {
            Err(bad(
                "intake.client_rate_per_minute",
                "rates must be at least 1".into(),
            ))?;
        }
        if !(1..=28).contains(&self.mail.idle_refresh_minutes) {
            Err(bad(
                "mail.idle_refresh_minutes",
                "must be 1 to 28: servers may end an IDLE after 29 minutes".into(),
            ))?;
        }
        if self.mail.poll_seconds == 0 {
            Err(bad("mail.poll_seconds", "must be at least 1".into()))?;
        }
        for (name, account) in [("smtp", &self.smtp), ("imap", &self.imap)] {
            if account.security == Some(Security::Plain) {
                let host = account.host.as_deref().unwrap_or("");
                if !is_loopback_host(host) {
                    Err(bad(
                        &format!("{name}.security"),
                        format!("\"plain\" sends your password unencrypted; it is allowed only to a loopback host, not {host:?}"),
                    ))?;
                }
            }
        }
        Ok(())
    }
}

pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::super::tests::env;
    use super::*;

    #[test]
    fn plain_is_only_for_loopback() {
        let e = Config::from_toml(
            "[smtp]\nhost = \"smtp.gmail.com\"\nsecurity = \"plain\"\n",
            "f",
            env(&[]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("smtp.security"), "{e}");
        Config::from_toml(
            "[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\n",
            "f",
            env(&[]),
        )
        .unwrap();
    }
}
