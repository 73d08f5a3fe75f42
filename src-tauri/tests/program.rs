//! The built `deskbell-window` program, started the wrong way: it says what is missing and
//! exits with failure before it opens anything (no display is needed to see it). The window
//! itself is driven end to end by crates/e2e.
//!
//! Being an integration test of this package, this also makes `cargo test --workspace` build
//! the program into target/<profile>/, where the end-to-end tests start it (scripts/build-all).

use std::process::{Command, Output};

fn window(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deskbell-window"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("the window program runs")
}

#[test]
fn without_a_channel_it_says_it_is_started_by_the_resident_process() {
    let out = window(&[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs --ipc SOCKET (it is started by deskbell-desktop)"),
        "{err}"
    );
}

#[test]
fn with_no_resident_process_listening_it_names_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("desktop.sock");
    let out = window(&["--ipc", socket.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot reach Deskbell at {}", socket.display())),
        "{err}"
    );
    assert!(err.contains("start deskbell-desktop"), "{err}");
}
