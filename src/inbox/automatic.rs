//! The automatic mail a new ticket queues, in its own transaction: the owner's notification
//! (or, when tickets come fast, a place in the next digest) and the visitor's confirmation,
//! unless a cap says no. Which caps, and why, is in docs/architecture.md ("The sending quota
//! is the owner's").

use super::{AUTO_MAIL_CAP, AUTO_MAIL_WINDOW, DIGEST_WINDOW};
use crate::mail::MailSettings;
use crate::store::{events, outbox, tickets};

/// In the ticket's own transaction: the owner's notification, and the visitor's confirmation
/// unless that address already got its share of automatic mail.
pub(super) fn queue_new_ticket_mail(
    c: &rusqlite::Connection,
    m: &MailSettings,
    inserted: &tickets::Inserted,
    digest_id: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::store::Result<()> {
    let t = &inserted.ticket;
    let Some(id) = t.id() else { return Ok(()) };
    let nid = m.secret.message_id(&id, "n", &m.domain);
    // Faster than `digest_after` in ten minutes: this one waits for the digest.
    let recent = outbox::notifications_since(c, now - DIGEST_WINDOW)?;
    match digest_id {
        Some(did) if recent >= i64::from(m.digest_after) => outbox::hold_for_digest(
            c,
            inserted.row,
            &nid,
            &m.owner_email,
            did,
            now + m.digest_every,
            now,
        )?,
        _ => {
            outbox::enqueue(
                c,
                outbox::Kind::Notification,
                inserted.row,
                None,
                &nid,
                &m.owner_email,
                now,
            )?;
        }
    }
    if !m.confirm_visitor {
        return Ok(());
    }
    let to = &t.visitor.email;
    // Why no confirmation goes, if one does not: the address bounced before, it had its share,
    // or all addresses together had theirs this hour (a flood of the public form must not turn
    // the owner's account into a mass mailer).
    let skip = if outbox::has_bounced(c, to)? {
        Some(serde_json::json!({ "to": to, "reason": "bounced before" }))
    } else {
        let recent =
            outbox::count_since(c, outbox::Kind::Confirmation, to, now - AUTO_MAIL_WINDOW)?;
        let hour = outbox::count_kind_since(
            c,
            outbox::Kind::Confirmation,
            now - chrono::Duration::hours(1),
        )?;
        if recent >= AUTO_MAIL_CAP {
            Some(serde_json::json!({ "to": to, "reason": "per address", "recent": recent }))
        } else if hour >= i64::from(m.confirmations_per_hour) {
            Some(serde_json::json!({ "to": to, "reason": "per hour", "recent": hour }))
        } else {
            None
        }
    };
    if let Some(detail) = skip {
        return events::insert(c, "confirmation_capped", Some(inserted.row), &detail, now);
    }
    let cid = m.secret.message_id(&id, "c", &m.domain);
    outbox::enqueue(
        c,
        outbox::Kind::Confirmation,
        inserted.row,
        None,
        &cid,
        to,
        now,
    )?;
    Ok(())
}
