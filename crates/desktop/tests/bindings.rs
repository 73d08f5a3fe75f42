//! The TypeScript DTOs the window compiles against (ui/src/bindings/index.ts) are exactly what
//! the Rust DTOs generate. After changing src/dto.rs, regenerate them with
//! `DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings` and commit the file.

use std::path::Path;

#[test]
fn committed_typescript_bindings_match_the_rust_dtos() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/index.ts");
    let fresh = deskbell_desktop::dto::typescript_bindings();
    if std::env::var("DESKBELL_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings/index.ts is not what src-tauri/src/dto.rs generates; run \
         DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings and commit it"
    );
}

#[test]
fn every_contract_type_is_exported() {
    let ts = deskbell_desktop::dto::typescript_bindings();
    for name in [
        "TicketRow",
        "Attachment",
        "ThreadEntry",
        "TicketDetail",
        "TicketQuery",
        "Counts",
        "OutgoingFile",
        "CannedReply",
        "SiteRow",
        "Security",
        "AccountSettings",
        "AccountInput",
        "Owner",
        "IntakeSettings",
        "NotificationSettings",
        "Settings",
        "SettingsInput",
        "Problem",
        "CheckReport",
        "AppStatus",
        "Status",
        "Priority",
        "Channel",
    ] {
        assert!(
            ts.contains(&format!("export type {name} =")),
            "{name} missing"
        );
    }
}
