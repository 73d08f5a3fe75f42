//! Where the config file and the data directory are looked for when no flag names them, per
//! the XDG Base Directory spec: `$XDG_CONFIG_HOME` / `$XDG_DATA_HOME` when absolute (the spec
//! says relative values are to be ignored), else the `$HOME` fallbacks. Reading the file is
//! `Config::load`'s job.

use std::path::PathBuf;

/// Where the config file is looked for when `--config` is not given.
pub fn default_config_file() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("deskbell").join("config.toml"))
}

/// Where data lives when `--data-dir` is not given.
pub fn default_data_dir() -> Option<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share").map(|d| d.join("deskbell"))
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
}
