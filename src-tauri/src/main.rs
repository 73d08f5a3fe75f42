//! Deskbell's window: started by `deskbell-desktop` (see `deskbell_desktop::window_process`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    deskbell_desktop::window_process::main()
}
