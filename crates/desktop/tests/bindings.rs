//! The TypeScript the window compiles against (ui/src/bindings/index.ts) is exactly what the
//! Rust types generate (the core's, the view DTOs, the wire crate's). After changing one,
//! regenerate it with
//! `DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings` and commit the file.

use std::path::Path;

#[test]
fn committed_typescript_bindings_match_the_rust_dtos() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings/index.ts");
    let fresh = deskbell_desktop::bindings::typescript();
    if std::env::var("DESKBELL_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings/index.ts is not what the Rust types generate; run \
         DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings and commit it"
    );
}

#[test]
fn every_contract_type_is_exported() {
    let ts = deskbell_desktop::bindings::typescript();
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
        "Direction",
        "DeskbellEvent",
        "MailKind",
        "SyncState",
        "AccountKind",
        "OpenTicket",
        "ApiError",
    ] {
        assert!(
            ts.contains(&format!("export type {name} =")),
            "{name} missing"
        );
    }
}

/// The live event's TypeScript is the core's `Event`: every kind it can send, with its fields.
#[test]
fn the_event_type_is_the_cores() {
    let ts = deskbell_desktop::bindings::typescript();
    let event = ts
        .split("export type DeskbellEvent =")
        .nth(1)
        .and_then(|rest| rest.split("\nexport ").next())
        .expect("DeskbellEvent");
    for kind in [
        "ticket_created",
        "ticket_updated",
        "reply_received",
        "mail_sent",
        "send_failed",
        "sync_error",
    ] {
        assert!(
            event.contains(&format!("\"kind\": \"{kind}\"")),
            "{kind}: {event}"
        );
    }
    assert!(event.contains("mail: MailKind"), "{event}");
    assert!(!event.contains("unknown"), "{event}");
}

/// A password crosses to the core only as a string and is never part of what it sends back.
#[test]
fn passwords_go_in_never_out() {
    let ts = deskbell_desktop::bindings::typescript();
    let decl = |name: &str| {
        ts.split(&format!("export type {name} ="))
            .nth(1)
            .and_then(|rest| rest.split("\nexport ").next())
            .unwrap_or_else(|| panic!("{name}"))
            .to_string()
    };
    assert!(decl("AccountInput").contains("password: string | null"));
    assert!(!decl("AccountSettings").contains("password:"));
    assert!(!decl("Settings").contains("password"));
}

/// Every type a declaration refers to is declared too (a type added to a struct but not to
/// the list in bindings.rs would otherwise only fail in the UI build).
#[test]
fn every_referenced_type_is_declared() {
    let ts = deskbell_desktop::bindings::typescript();
    // Drop comments and string literals: only type syntax is left.
    let mut code = String::new();
    let mut rest = ts.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix('"') {
            rest = r.split_once('"').map_or("", |(_, after)| after);
        } else {
            let c = rest.chars().next().unwrap();
            code.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    let words: Vec<&str> = code
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    let declared: Vec<&str> = code
        .split("export type ")
        .skip(1)
        .filter_map(|d| d.split([' ', '=', '<']).next())
        .collect();
    assert!(
        declared.len() > 20 && declared.contains(&"Settings"),
        "{declared:?}"
    );
    for w in words {
        assert!(
            declared.contains(&w) || ["Array", "Record", "Partial"].contains(&w),
            "{w} is used in the bindings but not declared: add it to bindings.rs"
        );
    }
}
