//! Secrets that belong to this installation rather than to an account. The Message-ID signing
//! key lives in `install.key` in the data directory (mode 0600), never in SQLite or logs.
//! Account passwords come from the config or environment for now; the OS keychain follows with
//! the desktop settings.

use crate::mail::marks::Secret;
use std::io::Write;
use std::path::Path;

pub const INSTALL_KEY_FILE: &str = "install.key";

/// Loads the signing key, creating it on first use.
pub fn install_secret(data_dir: &Path) -> std::io::Result<Secret> {
    let path = data_dir.join(INSTALL_KEY_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
        if let Some(b) = bytes {
            let mut key = [0u8; 32];
            key.copy_from_slice(&b);
            return Ok(Secret(key));
        }
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is damaged (expected 64 hex digits)", path.display()),
        ));
    }
    std::fs::create_dir_all(data_dir)?;
    let secret = Secret::random();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(&path) {
        Ok(mut f) => {
            f.write_all(hex::encode(secret.0).as_bytes())?;
            f.sync_all()?;
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => install_secret(data_dir),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_once_then_reused_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = super::install_secret(dir.path()).unwrap();
        let b = super::install_secret(dir.path()).unwrap();
        assert_eq!(a.0, b.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(super::INSTALL_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
