//! A reply's attachments are weighed as the mail will carry them (base64 adds a third) and
//! refused before anything is queued when the mail would pass the 25 MB Gmail and most
//! providers take; just under it, the reply is queued. No mail server is needed: nothing is
//! sent, the outbox is only read.

mod common;

use deskbell::domain::{Channel, NewTicket, Visitor};
use deskbell::inbox::InboxError;
use deskbell::mail::compose::AttachmentFile;
use deskbell::Deskbell;

fn file(mb: f64) -> AttachmentFile {
    AttachmentFile {
        name: "photos.zip".into(),
        content_type: "application/zip".into(),
        data: vec![7u8; (mb * 1024.0 * 1024.0) as usize],
    }
}

#[tokio::test]
async fn attachments_over_25_mb_once_encoded_are_refused_before_queueing() {
    let dir = tempfile::tempdir().unwrap();
    // SMTP on the discard port: the worker may try, nothing can leave.
    let cfg = deskbell::Config::from_toml(
        "[owner]\nemail = \"rosa@shop.example\"\n\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"plain\"\n\
         username = \"rosa@shop.example\"\npassword = \"unused\"\n",
        "test",
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    let app = Deskbell::start(&cfg, dir.path()).await.unwrap();
    let ticket = app
        .inbox()
        .create_ticket(
            NewTicket {
                site_id: None,
                channel: Channel::Email,
                visitor: Visitor {
                    name: "Ana".into(),
                    email: "ana@example.com".into(),
                    phone: None,
                },
                session_id: None,
                issue: "The photos, please".into(),
                page_url: None,
                spam: false,
            },
            None,
        )
        .await
        .unwrap()
        .ticket;
    let id: deskbell::domain::TicketId = ticket.ticket_id.parse().unwrap();
    let replies = || {
        common::count(
            dir.path(),
            "SELECT count(*) FROM messages WHERE kind = 'reply'",
        )
    };

    // 19.5 MB of files are 26.7 MB in the mail: over, though the files alone are under 25.
    let err = app
        .inbox()
        .reply(&id, "Here they are", vec![file(19.5)])
        .await
        .unwrap_err();
    let words = err.to_string();
    assert!(matches!(err, InboxError::Invalid(_)), "{err:?}");
    assert!(
        words.contains("26.") && words.contains("once encoded") && words.contains("25 MB"),
        "{words}"
    );
    assert_eq!(replies(), 0, "nothing queued");

    // Two files that together pass: weighed together.
    let err = app
        .inbox()
        .reply(&id, "Here", vec![file(10.0), file(9.0)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("once encoded"), "{err}");
    assert_eq!(replies(), 0);

    // 18 MB (what the window's composer allows) is queued.
    app.inbox()
        .reply(&id, "Here they are", vec![file(18.0)])
        .await
        .unwrap();
    assert_eq!(replies(), 1);
    app.stop().await;
}
