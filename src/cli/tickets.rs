//! `deskbell tickets list|show|set|tag|note|snooze|unsnooze`.

use super::output::{print_json, table};
use super::Setup;
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use deskbell::domain::snooze::parse_duration;
use deskbell::domain::{Direction, Priority, Status, TicketId};
use deskbell::store::tickets::Filter;

/// `--status`: a status, or `snoozed` (open tickets hidden until a time; `open` leaves them out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStatus {
    Status(Status),
    Snoozed,
}

impl std::str::FromStr for ListStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().eq_ignore_ascii_case("snoozed") {
            return Ok(Self::Snoozed);
        }
        s.parse()
            .map(Self::Status)
            .map_err(|e: String| format!("{e}, snoozed"))
    }
}

#[derive(Subcommand)]
pub enum TicketsCommand {
    /// Tickets, newest activity first (spam hidden unless --all).
    List {
        /// open (waiting: snoozed tickets left out), pending, closed, or snoozed (soonest
        /// wake first).
        #[arg(long)]
        status: Option<ListStatus>,
        /// Only tickets containing every word (ticket, visitor, thread); the last word may be
        /// the start of a word.
        #[arg(long)]
        search: Option<String>,
        /// Include tickets flagged as spam.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// One ticket with its thread.
    Show {
        id: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Change a ticket's status and/or priority.
    Set {
        id: TicketId,
        #[arg(long)]
        status: Option<Status>,
        #[arg(long)]
        priority: Option<Priority>,
        #[arg(long)]
        json: bool,
    },
    /// Replace a ticket's tags (none given: remove them all).
    Tag {
        id: TicketId,
        tags: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Hide a ticket from the waiting list until a time; it comes back by itself (unread), or
    /// at once when the visitor writes. A pending or closed ticket reopens.
    Snooze {
        id: TicketId,
        /// When to bring it back, RFC 3339 (2026-03-10T08:00:00+01:00).
        #[arg(long, conflicts_with = "for_", required_unless_present = "for_")]
        until: Option<DateTime<chrono::FixedOffset>>,
        /// For how long: 45m, 2h, 3d, 1w (or a sum, 1h30m).
        #[arg(long = "for", id = "for_", value_name = "DURATION")]
        for_: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// End a ticket's snooze now: it is waiting again.
    Unsnooze {
        id: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Add an internal note to a ticket: kept in its thread, never mailed to anyone.
    Note {
        id: TicketId,
        #[arg(long)]
        text: String,
        #[arg(long)]
        json: bool,
    },
}

fn local(at: DateTime<Utc>, setup: &Setup) -> String {
    let tz = setup.config.owner_tz().0;
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A wake time with its weekday: "Tue 2026-03-10 08:00".
fn wake(at: DateTime<Utc>, setup: &Setup) -> String {
    let tz = setup.config.owner_tz().0;
    at.with_timezone(&tz)
        .format("%a %Y-%m-%d %H:%M")
        .to_string()
}

pub async fn run(setup: &Setup, cmd: TicketsCommand) -> Result<()> {
    let inbox = super::inbox(setup)?;
    match cmd {
        TicketsCommand::List {
            status,
            search,
            all,
            limit,
            json,
        } => {
            let filter = Filter {
                status: match status {
                    Some(ListStatus::Status(s)) => Some(s),
                    _ => None,
                },
                snoozed: status == Some(ListStatus::Snoozed),
                include_spam: all,
                limit,
            };
            let now = inbox.clock().now();
            let list = inbox
                .search(search.as_deref().unwrap_or(""), filter)
                .await?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No tickets.");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|t| {
                    let snoozed = t
                        .snoozed_at(now)
                        .map(|at| format!(" (snoozed until {})", local(at, setup)))
                        .unwrap_or_default();
                    vec![
                        t.ticket_id.clone(),
                        format!(
                            "{}{}{snoozed}",
                            t.status,
                            if t.spam { " (spam)" } else { "" }
                        ),
                        t.priority.to_string(),
                        format!("{} <{}>", t.visitor.name, t.visitor.email),
                        t.issue.clone(),
                        local(t.updated_at, setup),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["TICKET", "STATUS", "PRIORITY", "VISITOR", "ISSUE", "UPDATED"],
                    &rows,
                    48
                )
            );
        }
        TicketsCommand::Show { id, json } => {
            let view = inbox.ticket(&id).await?;
            if json {
                return print_json(&view);
            }
            let t = &view.ticket;
            println!("{}  [{} · {}]", t.ticket_id, t.status, t.priority);
            println!(
                "From:    {} <{}>{}",
                t.visitor.name,
                t.visitor.email,
                t.visitor
                    .phone
                    .as_deref()
                    .map(|p| format!(" · {p}"))
                    .unwrap_or_default()
            );
            if let Some(site) = &t.site {
                println!("Site:    {site}");
            }
            if let Some(page) = &t.page_url {
                println!("Page:    {page}");
            }
            println!("Created: {}", local(t.created_at, setup));
            if let Some(at) = t.snoozed_at(inbox.clock().now()) {
                println!("Snoozed until {}", wake(at, setup));
            }
            for m in &view.messages {
                println!();
                let who = m.from.as_deref().unwrap_or("");
                if m.direction == Direction::Note {
                    println!(
                        "── [note] {who} · {} (internal, not sent)",
                        local(m.at, setup)
                    );
                    for line in m.text.lines() {
                        println!("[note] {line}");
                    }
                    continue;
                }
                println!("── {} {} · {}", m.direction, who, local(m.at, setup));
                println!("{}", m.text);
            }
        }
        TicketsCommand::Set {
            id,
            status,
            priority,
            json,
        } => {
            let t = inbox.set_ticket(&id, status, priority).await?;
            if json {
                return print_json(&t);
            }
            println!("{} is now {} · {}", t.ticket_id, t.status, t.priority);
        }
        TicketsCommand::Tag { id, tags, json } => {
            let t = inbox.set_tags(&id, &tags).await?;
            if json {
                return print_json(&t);
            }
            if t.tags.is_empty() {
                println!("{} has no tags", t.ticket_id);
            } else {
                println!("{} is tagged {}", t.ticket_id, t.tags.join(", "));
            }
        }
        TicketsCommand::Snooze {
            id,
            until,
            for_,
            json,
        } => {
            let until = match (until, for_) {
                (Some(at), _) => at.with_timezone(&Utc),
                (None, Some(d)) => inbox.clock().now() + parse_duration(&d)?,
                (None, None) => anyhow::bail!("give --until TIME or --for DURATION"),
            };
            let t = inbox.snooze(&id, until).await?;
            if json {
                return print_json(&t);
            }
            println!("{} is snoozed until {}", t.ticket_id, wake(until, setup));
        }
        TicketsCommand::Unsnooze { id, json } => {
            let t = inbox.unsnooze(&id).await?;
            if json {
                return print_json(&t);
            }
            println!("{} is no longer snoozed ({})", t.ticket_id, t.status);
        }
        TicketsCommand::Note { id, text, json } => {
            let note = inbox.add_note(&id, &text).await?;
            if json {
                return print_json(&note);
            }
            println!("Note added to {id} (internal: not sent to anyone).");
        }
    }
    Ok(())
}
