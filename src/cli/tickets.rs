//! `deskbell tickets list|show|set|tag|note|snooze|unsnooze|merge|delete|restore|spam|not-spam`.

use super::output::{print_json, table};
use super::Setup;
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use deskbell::domain::snooze::parse_duration;
use deskbell::domain::{Direction, Priority, SortBy, Status, StatusFilter, TicketId};
use deskbell::store::tickets::Filter;

#[derive(Subcommand)]
pub enum TicketsCommand {
    /// Tickets, newest activity first; spam, trashed and merged tickets only in their views.
    List {
        /// open (waiting: snoozed tickets left out), pending, closed, snoozed (soonest wake
        /// first), spam, trash (latest deleted first), or all (every status; the default).
        #[arg(long, default_value = "all")]
        status: StatusFilter,
        /// Every status (the same as `--status all`, the default).
        #[arg(long, conflicts_with_all = ["status", "trash"])]
        all: bool,
        /// The trash (the same as `--status trash`).
        #[arg(long, conflicts_with = "status")]
        trash: bool,
        /// Only tickets containing every word (ticket, visitor, thread); the last word may be
        /// the start of a word.
        #[arg(long)]
        search: Option<String>,
        /// Only tickets with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only tickets of this priority.
        #[arg(long)]
        priority: Option<Priority>,
        /// Only tickets from this website (its name).
        #[arg(long)]
        site: Option<String>,
        /// updated (newest activity), created (newest ticket) or priority (urgent first).
        #[arg(long)]
        sort: Option<SortBy>,
        /// At most this many (a page).
        #[arg(long)]
        limit: Option<u32>,
        /// Skip this many first (the next page: --offset 50 after --limit 50).
        #[arg(long, default_value_t = 0)]
        offset: u32,
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
    /// Merge a ticket into another: its thread joins the target's in time order, later mail
    /// answering it lands on the target, and its id still resolves. Cannot be undone.
    Merge {
        source: TicketId,
        #[arg(long)]
        into: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Move a ticket to the trash: restorable for 30 days, then purged.
    Delete {
        id: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Take a ticket out of the trash.
    Restore {
        id: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Mark a ticket spam: only in `--status spam`, never notified.
    Spam {
        id: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Mark a ticket not spam: back in its status's list.
    NotSpam {
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
            all: _,
            trash,
            search,
            tag,
            priority,
            site,
            sort,
            limit,
            offset,
            json,
        } => {
            let tag = match tag.as_deref().map(deskbell::domain::tags::normalise) {
                Some(Ok(t)) => t,
                Some(Err(e)) => anyhow::bail!("{e}"),
                None => None,
            };
            let filter = Filter {
                status: if trash { StatusFilter::Trash } else { status },
                tag,
                priority,
                site,
                sort,
                limit,
                offset,
            };
            let now = inbox.clock().now();
            let page = inbox.page(search.as_deref().unwrap_or(""), filter).await?;
            let list = page.tickets;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                match page.total {
                    0 => println!("No tickets."),
                    n => println!("No tickets past {offset} (of {n})."),
                }
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
                            "{}{}{}{snoozed}",
                            t.status,
                            if t.spam { " (spam)" } else { "" },
                            if t.deleted_at.is_some() {
                                " (trash)"
                            } else {
                                ""
                            }
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
            let shown = offset as u64 + list.len() as u64;
            if offset > 0 || shown < page.total {
                println!(
                    "{}–{shown} of {}{}",
                    offset + 1,
                    page.total,
                    if shown < page.total {
                        format!(" (next: --offset {shown})")
                    } else {
                        String::new()
                    }
                );
            }
        }
        TicketsCommand::Show { id, json } => {
            let view = inbox.ticket(&id).await?;
            if json {
                return print_json(&view);
            }
            let t = &view.ticket;
            println!("{}  [{} · {}]", t.ticket_id, t.status, t.priority);
            if let Some(into) = &t.merged_into {
                println!(
                    "Merged into {into}: its thread is there now (deskbell tickets show {into})."
                );
            }
            if let Some(at) = t.deleted_at {
                let purge = at + chrono::Duration::days(deskbell::inbox::TRASH_DAYS);
                println!(
                    "In the trash since {}: purged on {} unless restored (deskbell tickets restore {}).",
                    local(at, setup),
                    local(purge, setup),
                    t.ticket_id
                );
            }
            if t.spam {
                println!("Marked spam.");
            }
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
        TicketsCommand::Merge { source, into, json } => {
            let t = inbox.merge(&source, &into).await?;
            if json {
                return print_json(&t);
            }
            println!(
                "{source} is merged into {} (its id still finds it).",
                t.ticket_id
            );
        }
        TicketsCommand::Delete { id, json } => {
            let t = inbox.delete(&id).await?;
            if json {
                return print_json(&t);
            }
            println!(
                "{} is in the trash: restorable for {} days (deskbell tickets restore {}).",
                t.ticket_id,
                deskbell::inbox::TRASH_DAYS,
                t.ticket_id
            );
        }
        TicketsCommand::Restore { id, json } => {
            let t = inbox.restore(&id).await?;
            if json {
                return print_json(&t);
            }
            println!("{} is out of the trash ({}).", t.ticket_id, t.status);
        }
        TicketsCommand::Spam { id, json } => {
            let t = inbox.set_spam(&id, true).await?;
            if json {
                return print_json(&t);
            }
            println!(
                "{} is marked spam. To keep {} out for good: deskbell block {}",
                t.ticket_id, t.visitor.email, t.visitor.email
            );
        }
        TicketsCommand::NotSpam { id, json } => {
            let t = inbox.set_spam(&id, false).await?;
            if json {
                return print_json(&t);
            }
            println!("{} is not spam ({}).", t.ticket_id, t.status);
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

/// `deskbell block|unblock ADDRESS`.
pub async fn block(setup: &Setup, address: &str, block: bool, json: bool) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let (key, changed) = if block {
        inbox.block(address).await?
    } else {
        inbox.unblock(address).await?
    };
    if json {
        return print_json(&serde_json::json!({ "address": key, "changed": changed }));
    }
    match (block, changed) {
        (true, true) => println!(
            "Blocked {key}: later tickets and mail from it are kept as spam, never notified."
        ),
        (true, false) => println!("{key} was already blocked."),
        (false, true) => println!("Unblocked {key}."),
        (false, false) => println!("{key} was not blocked."),
    }
    Ok(())
}

/// `deskbell blocked`.
pub async fn blocked(setup: &Setup, json: bool) -> Result<()> {
    let list = super::inbox(setup)?.blocked().await?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("No blocked senders.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|b| vec![b.address.clone(), local(b.created_at, setup)])
        .collect();
    print!("{}", table(&["BLOCKED", "SINCE"], &rows, 60));
    Ok(())
}
