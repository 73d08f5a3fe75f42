//! Pure domain types: tickets, their ids, statuses and the validation of what visitors send.
//! No I/O lives here; everything is testable with plain values.

pub mod canned;
pub mod inbound;
pub mod snooze;
pub mod tags;
mod ticket;
mod ticket_id;
pub mod validate;

pub use canned::CannedReply;
pub use ticket::{
    first_line, AttachmentInfo, Channel, Direction, Message, NewTicket, Priority, Site, SortBy,
    Status, StatusFilter, Ticket, Visitor,
};
pub use ticket_id::{OwnerTz, TicketId, TicketIdError};
