//! The visitor's confirmation that their request arrived: an automatic reply
//! (`Auto-Submitted: auto-replied`, RFC 3834) quoting what they wrote, with its subject.
//!
//! It answers the visitor from the business and points `Reply-To` at the owner's plus-address
//! so a follow-up lands on the same ticket. Whether a visitor gets one at all
//! (`mail.confirm_visitor`) is the caller's decision, not made here.

use super::headers::{
    business, mailbox, message, reply_to_visitor, sender, ticket_id, visitor_name, AutoSubmitted,
    XAutoResponseSuppress,
};
use super::html::{escape, fill, issue_box, layout, pill, CONFIRMATION};
use super::mime::body;
use super::text::clean_text;
use super::{Common, ComposeError};
use crate::domain::TicketId;
use crate::mail::marks;

/// The visitor's confirmation that their request arrived (an automatic reply).
pub fn visitor_confirmation(c: &Common) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let visitor = visitor_name(t);
    let issue = clean_text(&t.issue);
    let business = business(c);
    let us = business.as_deref().unwrap_or("us");
    let signed = business
        .as_deref()
        .map(|b| format!("{b}\n\n"))
        .unwrap_or_default();

    let quoted: String = issue
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">\n".to_string()
            } else {
                format!("> {l}\n")
            }
        })
        .collect();
    let text = format!(
        "Hi {visitor},\n\nThanks for getting in touch with {us}. Your request has reached us; \
         its reference is {id}.\n\nWhat you wrote:\n\n{quoted}\nWhat happens next:\nWe'll \
         answer you by email. If you want to add anything, just reply to this email: it goes \
         straight to your request.\n\n{signed}-- \nAutomatic confirmation of request {id}.\n"
    );

    let signature = business
        .as_deref()
        .map(|b| format!("<p style=\"margin:20px 0 0 0;\">{}</p>", escape(b)))
        .unwrap_or_default();
    let content = fill(
        CONFIRMATION,
        &[
            ("visitor", &escape(&visitor)),
            ("business", &escape(us)),
            ("badge", &pill(&id)),
            ("issue", &issue_box(&issue)),
            ("signature", &signature),
        ],
    );
    let footer = format!(
        "Automatic confirmation of request {}{}",
        escape(&id.to_string()),
        business
            .as_deref()
            .map(|b| format!(" &middot; {}", escape(b)))
            .unwrap_or_default()
    );
    let preheader = format!("Thanks, {visitor}. Your reference is {id}.");
    let brand = escape(business.as_deref().unwrap_or(""));
    let html = layout(&id, &brand, &preheader, &content, &footer);

    message(c)?
        .from(sender(c)?)
        .to(mailbox(Some(&visitor), &t.visitor.email, "visitor")?)
        .reply_to(reply_to_visitor(c)?)
        .subject(confirmation_subject(&id))
        .header(AutoSubmitted("auto-replied".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(c, &text, &html, &[])?)
        .map(|m| m.formatted())
        .map_err(ComposeError::Build)
}

/// `We received your request [TKT-…]`
pub fn confirmation_subject(id: &TicketId) -> String {
    format!("We received your request {}", marks::subject_tag(id))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::id;
    use super::*;

    #[test]
    fn subject_carries_the_tag() {
        assert_eq!(
            confirmation_subject(&id()),
            "We received your request [TKT-20261124-0001]"
        );
    }
}
