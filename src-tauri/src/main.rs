//! Deskbell's window (`deskbell-window --ipc SOCKET [--ticket ID]`), started by
//! `deskbell-desktop`; see [`window`].
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod window;

fn main() -> std::process::ExitCode {
    window::main()
}
