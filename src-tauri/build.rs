//! Declares the app's commands so each gets an `allow-…` permission: the window's capability
//! (capabilities/main.json) grants exactly the ones it uses, nothing else is callable. The
//! names come from the wire crate, the one list the resident process routes too.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(deskbell_wire::COMMANDS)),
    )
    .expect("tauri build script");
}
