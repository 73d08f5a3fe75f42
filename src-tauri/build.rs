//! Declares the app's commands so each gets an `allow-…` permission: the window's capability
//! (capabilities/main.json) grants exactly the ones it uses, nothing else is callable.

fn main() {
    let commands: &[&str] = &[
        "list_tickets",
        "counts",
        "get_ticket",
        "send_reply",
        "set_status",
        "set_priority",
        "set_tags",
        "save_attachment",
        "canned_replies",
        "save_canned_reply",
        "delete_canned_reply",
        "get_settings",
        "save_settings",
        "test_connection",
        "list_sites",
        "add_site",
        "app_status",
        "set_notifications_paused",
        "set_start_at_login",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script");
}
