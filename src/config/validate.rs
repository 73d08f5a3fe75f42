//! Checks serde cannot express, run once after loading so the rest of the program may rely on
//! them (`Config::listen_addr` does): a known IANA time zone, a plausible owner address, a
//! parseable listen address, sane limits, a tunnel command whose quotes are closed, and
//! `security = "plain"` only to a loopback host, since it sends the password in clear.
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
        for (key, secs) in [
            (
                "intake.header_timeout_seconds",
                self.intake.header_timeout_seconds,
            ),
            (
                "intake.body_timeout_seconds",
                self.intake.body_timeout_seconds,
            ),
            (
                "intake.idle_timeout_seconds",
                self.intake.idle_timeout_seconds,
            ),
        ] {
            if !(1..=300).contains(&secs) {
                Err(bad(key, "must be 1 to 300 seconds".into()))?;
            }
        }
        if self.intake.max_connections < 16 {
            Err(bad("intake.max_connections", "must be at least 16".into()))?;
        }
        if self.intake.max_connections_per_address == 0 {
            Err(bad(
                "intake.max_connections_per_address",
                "must be at least 1".into(),
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
        if let Some(a) = self.mail.support_address.as_deref() {
            if !a.trim().is_empty() && !crate::domain::validate::is_plausible_email(a.trim()) {
                Err(bad(
                    "mail.support_address",
                    format!("{a:?} is not an email address"),
                ))?;
            }
        }
        if self.mail.daily_send_limit < 10 {
            Err(bad(
                "mail.daily_send_limit",
                "must be at least 10 (personal Gmail allows about 500 a day, Workspace 2,000)"
                    .into(),
            ))?;
        }
        if self.mail.digest_minutes == 0 || self.mail.digest_minutes > 24 * 60 {
            Err(bad(
                "mail.digest_minutes",
                "must be 1 to 1440 (a day)".into(),
            ))?;
        }
        if let Some(command) = self.tunnel.command.as_deref() {
            crate::tunnel::split(command).map_err(|e| {
                bad(
                    "tunnel.command",
                    format!("cannot be split into a program and its arguments: {e}"),
                )
            })?;
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
    use crate::config::NewTickets;

    #[test]
    fn new_tickets_default_to_the_support_address_and_old_configs_keep_their_meaning() {
        let load = |text: &str| Config::from_toml(text, "f", env(&[])).unwrap();
        let c = load("[owner]\nemail = \"Rosa+shop@Gmail.com\"\n");
        assert_eq!(c.mail.new_tickets(), NewTickets::Support);
        assert_eq!(
            c.mail.support_address(c.owner.email.as_deref()).as_deref(),
            Some("Rosa+support@Gmail.com"),
            "the owner's base address with the tag support"
        );
        assert_eq!(Config::default().mail.support_address(None), None);
        let c = load("[mail]\nsupport_address = \"help@rosa.example\"\n");
        assert_eq!(
            c.mail.support_address(Some("rosa@gmail.com")).as_deref(),
            Some("help@rosa.example")
        );
        assert_eq!(
            load("[mail]\ntickets_from_email = true\n")
                .mail
                .new_tickets(),
            NewTickets::All
        );
        assert_eq!(
            load("[mail]\ntickets_from_email = false\n")
                .mail
                .new_tickets(),
            NewTickets::Off
        );
        assert_eq!(
            load("[mail]\ntickets_from_email = true\nnew_tickets = \"off\"\n")
                .mail
                .new_tickets(),
            NewTickets::Off,
            "the new key wins"
        );
        for (text, key) in [
            ("[mail]\nnew_tickets = \"some\"\n", "mail.new_tickets"),
            (
                "[mail]\nsupport_address = \"help\"\n",
                "mail.support_address",
            ),
            ("[mail]\ndaily_send_limit = 0\n", "mail.daily_send_limit"),
            ("[mail]\ndigest_minutes = 0\n", "mail.digest_minutes"),
        ] {
            let e = Config::from_toml(text, "f", env(&[]))
                .unwrap_err()
                .to_string();
            assert!(e.contains(key), "{text}: {e}");
        }
    }

    #[test]
    fn intake_timeouts_and_connection_caps_are_checked() {
        let c = Config::from_toml("", "f", env(&[])).unwrap();
        assert_eq!(
            (
                c.intake.header_timeout_seconds,
                c.intake.body_timeout_seconds,
                c.intake.idle_timeout_seconds
            ),
            (10, 15, 5)
        );
        let c = Config::from_toml(
            "",
            "f",
            env(&[("DESKBELL_INTAKE_HEADER_TIMEOUT_SECONDS", "2")]),
        )
        .unwrap();
        assert_eq!(c.intake.header_timeout_seconds, 2);
        for (text, key) in [
            (
                "[intake]\nheader_timeout_seconds = 0\n",
                "intake.header_timeout_seconds",
            ),
            (
                "[intake]\nbody_timeout_seconds = 0\n",
                "intake.body_timeout_seconds",
            ),
            (
                "[intake]\nidle_timeout_seconds = 3600\n",
                "intake.idle_timeout_seconds",
            ),
            ("[intake]\nmax_connections = 2\n", "intake.max_connections"),
            (
                "[intake]\nmax_connections_per_address = 0\n",
                "intake.max_connections_per_address",
            ),
        ] {
            let e = Config::from_toml(text, "f", env(&[]))
                .unwrap_err()
                .to_string();
            assert!(e.contains(key), "{text}: {e}");
        }
        let e = Config::from_toml(
            "",
            "f",
            env(&[("DESKBELL_INTAKE_BODY_TIMEOUT_SECONDS", "0")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("DESKBELL_INTAKE_BODY_TIMEOUT_SECONDS"), "{e}");
    }

    #[test]
    fn the_tunnel_command_is_split_at_load_and_an_open_quote_is_refused() {
        let load = |text: &str| Config::from_toml(text, "/c.toml", env(&[]));
        assert!(
            load("").unwrap().tunnel.argv().is_empty(),
            "no tunnel by default"
        );
        assert!(load("[tunnel]\ncommand = \"  \"\n")
            .unwrap()
            .tunnel
            .argv()
            .is_empty());
        let c = load("[tunnel]\ncommand = \"cloudflared tunnel run 'my shop'\"\n").unwrap();
        assert_eq!(c.tunnel.argv(), ["cloudflared", "tunnel", "run", "my shop"]);
        let e = load("[tunnel]\ncommand = \"ngrok http '7878\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tunnel.command") && e.contains("/c.toml") && e.contains("quote"),
            "{e}"
        );
        let e = Config::from_toml("", "f", env(&[("DESKBELL_TUNNEL_COMMAND", "run \"shop")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("DESKBELL_TUNNEL_COMMAND"), "{e}");
        let c = load("[tunnel]\ncommand = \"cloudflared tunnel run --token s3cret\"\n").unwrap();
        let debug = format!("{c:?}");
        assert!(
            debug.contains("cloudflared") && !debug.contains("s3cret"),
            "{debug}"
        );
    }

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
