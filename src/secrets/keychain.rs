//! The OS keychain through the `keyring` crate: service `deskbell`, one entry per account key
//! (`smtp:<username>`). On Linux that is the Secret Service on the session bus (GNOME
//! Keyring, KWallet); without one, [`Keychain::probe`] fails and the caller falls back.

use super::{SecretError, SecretStore};

pub const SERVICE: &str = "deskbell";

pub struct Keychain(());

impl Keychain {
    /// Asks the keychain once; `Err` when there is none to ask (no session bus, no Secret
    /// Service, locked and refused).
    pub fn probe() -> Result<Self, SecretError> {
        let entry =
            keyring::Entry::new(SERVICE, "probe:availability").map_err(SecretError::Keychain)?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(Self(())),
            Err(e) => Err(SecretError::Keychain(e)),
        }
    }

    fn entry(key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, key).map_err(SecretError::Keychain)
    }
}

impl SecretStore for Keychain {
    fn kind(&self) -> &'static str {
        "keychain"
    }

    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(key)?.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Keychain(e)),
        }
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(key)?
            .set_password(secret)
            .map_err(SecretError::Keychain)
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Keychain(e)),
        }
    }
}
