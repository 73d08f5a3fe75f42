//! The visitor's confirmation that their request arrived: an automatic reply
//! (`Auto-Submitted: auto-replied`, RFC 3834) with the ticket's reference and what happens
//! next.
//!
//! It repeats **nothing** the visitor typed — not the message, not the name (neither in the
//! greeting nor in `To`): the form is public and the address is whatever was typed, so a
//! confirmation that echoed the visitor's words would let anyone make the owner's account
//! deliver their text to any address. Only the owner's business name, the reference and fixed
//! words go out. It answers the visitor from the business and points `Reply-To` at the owner's
//! plus-address so a follow-up lands on the same ticket. Whether a visitor gets one at all
//! (`mail.confirm_visitor`, the budgets, earlier bounces) is the caller's decision.

use super::headers::{
    business, mailbox, message, reply_to_visitor, sender, ticket_id, AutoSubmitted,
    XAutoResponseSuppress,
};
use super::html::{escape, fill, layout, pill, CONFIRMATION};
use super::mime::body;
use super::{Common, ComposeError};
use crate::domain::TicketId;
use crate::mail::marks;

/// The visitor's confirmation that their request arrived (an automatic reply).
pub fn visitor_confirmation(c: &Common) -> Result<Vec<u8>, ComposeError> {
    let id = ticket_id(c)?;
    let t = c.ticket;
    let business = business(c);
    let us = business.as_deref().unwrap_or("us");
    let signed = business
        .as_deref()
        .map(|b| format!("{b}\n\n"))
        .unwrap_or_default();

    let text = format!(
        "Hello,\n\nThanks for getting in touch with {us}. Your request has reached us; its \
         reference is {id}.\n\nWhat happens next:\nWe'll answer you by email. If you want to \
         add anything, just reply to this email: it goes straight to your request.\n\nIf you \
         did not write to {us}, someone typed your address by mistake: ignore this email and \
         nothing more will come.\n\n{signed}-- \nAutomatic confirmation of request {id}.\n"
    );

    let signature = business
        .as_deref()
        .map(|b| format!("<p style=\"margin:20px 0 0 0;\">{}</p>", escape(b)))
        .unwrap_or_default();
    let content = fill(
        CONFIRMATION,
        &[
            ("business", &escape(us)),
            ("badge", &pill(&id)),
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
    let preheader = format!("Thanks for writing. Your reference is {id}.");
    let brand = escape(business.as_deref().unwrap_or(""));
    let html = layout(&id, &brand, &preheader, &content, &footer);

    message(c)?
        .from(sender(c)?)
        .to(mailbox(None, &t.visitor.email, "visitor")?)
        .reply_to(reply_to_visitor(c)?)
        .subject(confirmation_subject(&id))
        .header(AutoSubmitted("auto-replied".into()))
        .header(XAutoResponseSuppress("All".into()))
        .multipart(body(c.message_id, &text, &html, &[])?)
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
