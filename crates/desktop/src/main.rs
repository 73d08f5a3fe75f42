//! Deskbell on the desktop: the resident process (core, tray, notifications); it starts the
//! window (`deskbell-window`) when it is wanted. See `deskbell_desktop::resident`.

fn main() -> std::process::ExitCode {
    deskbell_desktop::resident::run()
}
