//! The desktop binary: everything lives in the library (`deskbell_desktop::run`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    deskbell_desktop::run()
}
