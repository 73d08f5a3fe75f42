//! The owner's notification of a new ticket: owner → owner, `From: "<visitor> via Deskbell"`,
//! `Reply-To` the visitor, `Auto-Submitted: auto-generated` (RFC 3834), and its subject.
//!
//! Gmail quotes this message back to the visitor when the owner presses Reply, so body and
//! subject hold only what the visitor sent plus the ticket id and time, nothing internal.
//! Deciding whether and when to send it belongs to the inbox and the outbox.

use super::headers::{
    business, mailbox, message, owner_mailbox, ticket_id, visitor_name, AutoSubmitted,
    XAutoResponseSuppress,
};
use super::html::{
    escape, fill, issue_box, layout, link, mailto, strong, tel, DOT, NOTIFICATION, ROW,
};
use super::mime::body;
use super::text::{aligned, clean_line, clean_text, excerpt, local_time};
use super::{Common, ComposeError, SUBJECT_EXCERPT};
use crate::domain::{Channel, TicketId};
use crate::mail::marks;

/// Turns a cleaned value into its HTML (escaped, maybe linked).
type Markup = fn(&str) -> String;

/// The owner's notification of a new ticket (owner → owner, Reply-To the visitor).
pub fn owner_notification(c: &Common) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let visitor = visitor_name(t);
    let issue = clean_text(&t.issue);
    let received = local_time(t.created_at, c.tz);

    let mut rows: Vec<(&str, String, String)> = vec![
        ("Name", visitor.clone(), escape(&visitor)),
        ("Email", t.visitor.email.clone(), mailto(&t.visitor.email)),
    ];
    let optional: [(&str, Option<&str>, Markup); 3] = [
        ("Phone", t.visitor.phone.as_deref(), tel),
        ("Page", t.page_url.as_deref(), link),
        ("Site", t.site.as_deref(), escape),
    ];
    for (label, value, html) in optional {
        let value = value.map(clean_line).unwrap_or_default();
        if !value.is_empty() {
            let markup = html(&value);
            rows.push((label, value, markup));
        }
    }
    rows.push(("Received", received.clone(), escape(&received)));

    let mut text = format!("New support ticket {id} from {visitor}\n\n");
    text += &aligned(rows.iter().map(|(l, v, _)| (*l, v.as_str())));
    text += &format!(
        "\nIssue:\n\n{issue}\n\nReply to this email to answer {visitor} directly.\n\n-- \n\
         Sent by Deskbell{} · {id}\n",
        business(c).map(|b| format!(" for {b}")).unwrap_or_default()
    );

    let rows_html: String = rows
        .iter()
        .map(|(label, _, value)| fill(ROW, &[("label", label), ("value", value)]))
        .collect();
    let via = match (t.channel, t.site.as_deref().map(clean_line)) {
        (Channel::Email, _) => "by email".to_string(),
        (Channel::Web, Some(site)) if !site.is_empty() => format!("on {}", escape(&site)),
        (Channel::Web, _) => "on your website".to_string(),
    };
    let summary = format!("{} asked for help {via}.", strong(&visitor));
    let content = fill(
        NOTIFICATION,
        &[
            ("summary", &summary),
            ("rows", &rows_html),
            ("issue", &issue_box(&issue)),
            ("visitor", &escape(&visitor)),
            ("visitor_email", &mailto(&t.visitor.email)),
        ],
    );
    let brand = format!("<span style=\"{DOT}\"></span>Deskbell");
    let footer = format!(
        "Sent by Deskbell{} &middot; {}",
        business(c)
            .map(|b| format!(" for {}", escape(&b)))
            .unwrap_or_default(),
        escape(&id.to_string())
    );
    let preheader = format!("{visitor} wrote: {}", excerpt(&issue, 140));
    let html = layout(&id, &brand, &preheader, &content, &footer);

    let visitor_box = mailbox(Some(&visitor), &t.visitor.email, "visitor")?;
    let from_name = format!("{visitor} via Deskbell");
    message(c)?
        .from(mailbox(Some(&from_name), &c.owner.email, "owner")?)
        .to(owner_mailbox(c)?)
        .reply_to(visitor_box)
        .subject(notification_subject(&id, &t.issue))
        .header(AutoSubmitted("auto-generated".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(c.message_id, &text, &html, &[])?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// `New Support Ticket #TKT-…: <excerpt> [TKT-…]` (the excerpt left out when empty).
pub fn notification_subject(id: &TicketId, issue: &str) -> String {
    let gist = excerpt(issue, SUBJECT_EXCERPT);
    let tag = marks::subject_tag(id);
    if gist.is_empty() {
        format!("New Support Ticket #{id} {tag}")
    } else {
        format!("New Support Ticket #{id}: {gist} {tag}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::id;
    use super::*;

    #[test]
    fn subjects_carry_the_phrase_and_the_tag() {
        assert_eq!(
            notification_subject(&id(), "  My cake\nis late"),
            "New Support Ticket #TKT-20261124-0001: My cake [TKT-20261124-0001]"
        );
        assert_eq!(
            notification_subject(&id(), "\n \n"),
            "New Support Ticket #TKT-20261124-0001 [TKT-20261124-0001]"
        );
    }
}
