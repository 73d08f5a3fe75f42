//! Start at login (off until the owner turns it on): an XDG autostart entry
//! (`~/.config/autostart/Deskbell.desktop`) that starts this program in the tray (`--hidden`)
//! with the config and data directory it runs with now.

use crate::state::AppState;
use auto_launch::{AutoLaunch, AutoLaunchBuilder, LinuxLaunchMode};

fn launcher(state: &AppState) -> auto_launch::Result<AutoLaunch> {
    let exe = std::env::current_exe()?;
    let args = [
        "--hidden".to_string(),
        "--config".to_string(),
        state.config_path.display().to_string(),
        "--data-dir".to_string(),
        state.data_dir.display().to_string(),
    ];
    AutoLaunchBuilder::new()
        .set_app_name("Deskbell")
        .set_app_path(&exe.display().to_string())
        .set_args(&args)
        .set_linux_launch_mode(LinuxLaunchMode::XdgAutostart)
        .build()
}

pub fn is_enabled(state: &AppState) -> bool {
    launcher(state)
        .and_then(|l| l.is_enabled())
        .unwrap_or(false)
}

pub fn set(state: &AppState, enabled: bool) -> auto_launch::Result<()> {
    let l = launcher(state)?;
    if enabled {
        l.enable()
    } else {
        l.disable()
    }
}
