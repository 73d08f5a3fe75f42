//! Tickets, their threads and canned replies.

use super::{api_error, Result};
use crate::dto::*;
use crate::Host;
use base64::Engine;
use deskbell::domain::snooze::SnoozeChoice;
use deskbell::domain::{CannedReply, Priority, Status, TicketId};
use deskbell::inbox::Filter;
use deskbell_wire::ApiError;

fn ticket_id(id: &str) -> Result<TicketId> {
    id.parse()
        .map_err(|_| ApiError::new("invalid", format!("{id:?} is not a ticket id")))
}

/// The most a page of the list holds.
pub const MAX_PAGE: u32 = 500;

pub async fn list_tickets(host: &impl Host, query: TicketQuery) -> Result<TicketPage> {
    let tag = match query.tag.as_deref().map(deskbell::domain::tags::normalise) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(ApiError::new("invalid", e.to_string())),
        None => None,
    };
    let filter = Filter {
        status: query.status,
        tag,
        priority: query.priority,
        site: query.site.filter(|s| !s.is_empty()),
        // "updated" is the view's own order (soonest wake first in Snoozed, latest deleted
        // first in Trash, newest activity elsewhere).
        sort: match query.sort {
            SortBy::Updated => None,
            other => Some(other),
        },
        limit: Some(query.limit.clamp(1, MAX_PAGE)),
        offset: query.offset,
    };
    let inbox = host.core().inbox();
    let page = inbox.page(&query.search, filter).await.map_err(api_error)?;
    host.list_served();
    Ok(TicketPage {
        tickets: page.tickets.iter().map(TicketRow::from).collect(),
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
    })
}

/// Every tag in use, sorted (the list's tag filter).
pub async fn list_tags(host: &impl Host) -> Result<Vec<String>> {
    let mut tags: Vec<String> = host
        .core()
        .inbox()
        .tags_in_use()
        .await
        .map_err(api_error)?
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    tags.sort();
    Ok(tags)
}

/// Merges `ticket_id` into `into`; the target's detail (the thread now has both).
pub async fn merge_ticket(
    host: &impl Host,
    ticket_id: String,
    into: String,
) -> Result<TicketDetail> {
    let (source, target) = (self::ticket_id(&ticket_id)?, self::ticket_id(&into)?);
    let inbox = host.core().inbox();
    inbox.merge(&source, &target).await.map_err(api_error)?;
    get_ticket(host, into).await
}

pub async fn delete_ticket(host: &impl Host, ticket_id: String) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = host.core().inbox().delete(&id).await.map_err(api_error)?;
    Ok(TicketRow::from(&t))
}

pub async fn restore_ticket(host: &impl Host, ticket_id: String) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = host.core().inbox().restore(&id).await.map_err(api_error)?;
    Ok(TicketRow::from(&t))
}

pub async fn set_spam(host: &impl Host, ticket_id: String, spam: bool) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = host
        .core()
        .inbox()
        .set_spam(&id, spam)
        .await
        .map_err(api_error)?;
    Ok(TicketRow::from(&t))
}

/// Blocks an address or `@domain`; the blocked list after.
pub async fn block_sender(
    host: &impl Host,
    address: String,
) -> Result<Vec<deskbell::inbox::BlockedSender>> {
    let inbox = host.core().inbox();
    inbox.block(&address).await.map_err(api_error)?;
    inbox.blocked().await.map_err(api_error)
}

pub async fn unblock_sender(
    host: &impl Host,
    address: String,
) -> Result<Vec<deskbell::inbox::BlockedSender>> {
    let inbox = host.core().inbox();
    inbox.unblock(&address).await.map_err(api_error)?;
    inbox.blocked().await.map_err(api_error)
}

pub async fn list_blocked(host: &impl Host) -> Result<Vec<deskbell::inbox::BlockedSender>> {
    host.core().inbox().blocked().await.map_err(api_error)
}

pub async fn counts(host: &impl Host) -> Result<Counts> {
    let counts = host.core().inbox().counts().await.map_err(api_error)?;
    Ok(counts.into())
}

pub async fn get_ticket(host: &impl Host, ticket_id: String) -> Result<TicketDetail> {
    let id = self::ticket_id(&ticket_id)?;
    let detail = host
        .core()
        .inbox()
        .open_ticket(&id)
        .await
        .map_err(api_error)?;
    with_failed_mail(host, TicketDetail::from(&detail)).await
}

pub async fn send_reply(
    host: &impl Host,
    ticket_id: String,
    text: String,
    files: Vec<OutgoingFile>,
) -> Result<TicketDetail> {
    let id = self::ticket_id(&ticket_id)?;
    let files = files
        .into_iter()
        .map(attachment)
        .collect::<Result<Vec<_>>>()?;
    let inbox = host.core().inbox();
    inbox.reply(&id, &text, files).await.map_err(api_error)?;
    let detail = inbox.open_ticket(&id).await.map_err(api_error)?;
    with_failed_mail(host, TicketDetail::from(&detail)).await
}

/// An internal note on the ticket: kept in its thread, never mailed.
pub async fn add_note(host: &impl Host, ticket_id: String, text: String) -> Result<TicketDetail> {
    let id = self::ticket_id(&ticket_id)?;
    let inbox = host.core().inbox();
    inbox.add_note(&id, &text).await.map_err(api_error)?;
    let detail = inbox.open_ticket(&id).await.map_err(api_error)?;
    with_failed_mail(host, TicketDetail::from(&detail)).await
}

/// Adds the ticket's failed mail (reason and outbox id) from the outbox status: the thread's
/// entries say only that a message failed.
async fn with_failed_mail(host: &impl Host, mut detail: TicketDetail) -> Result<TicketDetail> {
    let status = host.core().inbox().mail_status().await.map_err(api_error)?;
    let id = &detail.ticket.ticket_id;
    detail.failed_mail = status
        .failed
        .into_iter()
        .filter(|f| f.ticket_id.as_ref() == Some(id))
        .collect();
    Ok(detail)
}

fn attachment(f: OutgoingFile) -> Result<deskbell::mail::compose::AttachmentFile> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(f.data_base64.as_bytes())
        .map_err(|_| ApiError::new("invalid", format!("{} could not be read", f.name)))?;
    Ok(deskbell::mail::compose::AttachmentFile {
        name: f.name,
        content_type: f.content_type,
        data,
    })
}

pub async fn set_status(host: &impl Host, ticket_id: String, status: Status) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let inbox = host.core().inbox();
    let t = inbox.set_ticket(&id, Some(status), None).await;
    Ok(TicketRow::from(&t.map_err(api_error)?))
}

/// Hides the ticket from the waiting list until `until` (RFC 3339); it comes back by itself.
pub async fn snooze_ticket(
    host: &impl Host,
    ticket_id: String,
    until: String,
) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let until = chrono::DateTime::parse_from_rfc3339(&until)
        .map_err(|_| ApiError::new("invalid", format!("{until:?} is not a time (RFC 3339)")))?;
    let inbox = host.core().inbox();
    let t = inbox.snooze(&id, until.to_utc()).await;
    Ok(TicketRow::from(&t.map_err(api_error)?))
}

pub async fn unsnooze_ticket(host: &impl Host, ticket_id: String) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = host.core().inbox().unsnooze(&id).await;
    Ok(TicketRow::from(&t.map_err(api_error)?))
}

/// The Snooze menu's quick picks now, in the owner's zone.
pub async fn snooze_choices(host: &impl Host) -> Result<Vec<SnoozeChoice>> {
    Ok(host.core().inbox().snooze_choices())
}

pub async fn set_priority(
    host: &impl Host,
    ticket_id: String,
    priority: Priority,
) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let inbox = host.core().inbox();
    let t = inbox.set_ticket(&id, None, Some(priority)).await;
    Ok(TicketRow::from(&t.map_err(api_error)?))
}

pub async fn set_tags(host: &impl Host, ticket_id: String, tags: Vec<String>) -> Result<TicketRow> {
    let id = self::ticket_id(&ticket_id)?;
    let t = host.core().inbox().set_tags(&id, &tags).await;
    Ok(TicketRow::from(&t.map_err(api_error)?))
}

/// Into the Downloads folder (the home folder if there is none), never over an existing file.
pub async fn save_attachment(host: &impl Host, id: i64) -> Result<String> {
    let dir = host.downloads_dir();
    let dir = dir.ok_or_else(|| ApiError::new("no_folder", "cannot find a Downloads folder"))?;
    let path = host.core().inbox().save_attachment(id, &dir).await;
    Ok(path.map_err(api_error)?.display().to_string())
}

pub async fn canned_replies(host: &impl Host) -> Result<Vec<CannedReply>> {
    host.core()
        .inbox()
        .canned_replies()
        .await
        .map_err(api_error)
}

pub async fn save_canned_reply(
    host: &impl Host,
    id: Option<i64>,
    title: String,
    body: String,
) -> Result<CannedReply> {
    let inbox = host.core().inbox();
    inbox
        .save_canned_reply(id, &title, &body)
        .await
        .map_err(api_error)
}

/// Canned reply `id` as the composer inserts it into ticket `ticket_id`'s reply: its fields
/// (`{visitor_first_name}`, …) filled by the core.
pub async fn fill_canned_reply(host: &impl Host, id: i64, ticket_id: String) -> Result<String> {
    let ticket_id = self::ticket_id(&ticket_id)?;
    let filled = host.core().inbox().fill_canned_reply(id, &ticket_id).await;
    filled.map_err(api_error)
}

pub async fn delete_canned_reply(host: &impl Host, id: i64) -> Result<()> {
    host.core()
        .inbox()
        .delete_canned_reply(id)
        .await
        .map_err(api_error)
}
