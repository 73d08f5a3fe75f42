//! The fallback password store: one JSON object in `secrets.json` in the data directory, mode
//! 0600 from the moment it exists (written to a 0600 temporary file, then renamed over).
//! Used only when the OS keychain is unavailable; as safe as the user's account, no more.

use super::{SecretError, SecretStore};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const SECRETS_FILE: &str = "secrets.json";

pub struct FileStore {
    path: PathBuf,
    /// Serialises read-modify-write within this process.
    lock: Mutex<()>,
}

impl FileStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(SECRETS_FILE),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> SecretError {
        SecretError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn read(&self) -> Result<BTreeMap<String, String>, SecretError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| SecretError::Damaged {
                path: self.path.clone(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(self.io(e)),
        }
    }

    fn write(&self, all: &BTreeMap<String, String>) -> Result<(), SecretError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io(e))?;
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp).map_err(|e| self.io(e))?;
        let json = serde_json::to_vec_pretty(all).expect("a map of strings serialises");
        f.write_all(&json).map_err(|e| self.io(e))?;
        f.sync_all().map_err(|e| self.io(e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.io(e))
    }
}

impl SecretStore for FileStore {
    fn kind(&self) -> &'static str {
        "file"
    }

    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.read()?.remove(key))
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), SecretError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.read()?;
        all.insert(key.to_string(), secret.to_string());
        self.write(&all)
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.read()?;
        if all.remove(key).is_some() {
            self.write(&all)?;
        }
        Ok(())
    }
}
