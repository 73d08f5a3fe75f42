//! Start at login (off until the owner turns it on): an XDG autostart entry
//! (`~/.config/autostart/Deskbell.desktop`) that starts this program in the tray (`--hidden`)
//! with the config and data directory it runs with now.

use auto_launch::{AutoLaunch, AutoLaunchBuilder, LinuxLaunchMode};
use std::path::Path;

fn launcher(config: &Path, data_dir: &Path) -> auto_launch::Result<AutoLaunch> {
    let exe = std::env::current_exe()?;
    let args = [
        "--hidden".to_string(),
        "--config".to_string(),
        config.display().to_string(),
        "--data-dir".to_string(),
        data_dir.display().to_string(),
    ];
    AutoLaunchBuilder::new()
        .set_app_name("Deskbell")
        .set_app_path(&exe.display().to_string())
        .set_args(&args)
        .set_linux_launch_mode(LinuxLaunchMode::XdgAutostart)
        .build()
}

pub fn is_enabled(config: &Path, data_dir: &Path) -> bool {
    launcher(config, data_dir)
        .and_then(|l| l.is_enabled())
        .unwrap_or(false)
}

pub fn set(config: &Path, data_dir: &Path, enabled: bool) -> auto_launch::Result<()> {
    let l = launcher(config, data_dir)?;
    if enabled {
        l.enable()
    } else {
        l.disable()
    }
}
