//! New-ticket notifications coalesce the way the owner's mail does (see the core's digests):
//! past `after` of them in ten minutes, the next ones are gathered and shown as one ("12 new
//! tickets: Ana, Bo, Cy and 9 more") once a while (the caller says how often), so a flood of the form does not bury
//! the desktop in bubbles. Nothing is lost: every gathered ticket is counted in a summary.
//! Replies and bounces are never gathered. Pure: the caller gives the time.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The window new-ticket notifications are counted over.
pub const WINDOW: Duration = Duration::from_secs(600);

/// How a new ticket is to be notified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// On its own, now.
    Show,
    /// Gathered into the next summary; `first`: nothing was waiting, so the caller schedules
    /// the flush.
    Gathered { first: bool },
}

/// What a flush shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    /// The first few visitors, in arrival order.
    pub visitors: Vec<String>,
}

impl Summary {
    pub fn title(&self) -> String {
        format!("{} new tickets", self.count)
    }

    pub fn body(&self) -> String {
        let shown = self.visitors.len();
        let names = self.visitors.join(", ");
        if self.count > shown {
            format!("{names} and {} more", self.count - shown)
        } else {
            names
        }
    }
}

#[derive(Debug)]
pub struct Coalescer {
    after: usize,
    /// When recent new-ticket notifications were offered (shown or gathered).
    recent: VecDeque<Instant>,
    pending: Vec<String>,
}

/// How many visitor names a summary lists.
const NAMES: usize = 3;

impl Coalescer {
    pub fn new(after: u32) -> Self {
        Self {
            after: after as usize,
            recent: VecDeque::new(),
            pending: Vec::new(),
        }
    }

    /// A new threshold (the owner changed `[mail] digest_after`); what is gathered stays.
    pub fn set_after(&mut self, after: u32) {
        self.after = after as usize;
    }

    /// A new ticket from `visitor` at `now`.
    pub fn offer(&mut self, now: Instant, visitor: &str) -> Offer {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) > WINDOW)
        {
            self.recent.pop_front();
        }
        let busy = self.recent.len() >= self.after;
        // Bounded: at most what arrives in ten minutes is remembered (times only).
        self.recent.push_back(now);
        if !busy && self.pending.is_empty() {
            return Offer::Show;
        }
        let first = self.pending.is_empty();
        self.pending.push(visitor.to_string());
        Offer::Gathered { first }
    }

    /// The summary of what was gathered (none if nothing was).
    pub fn flush(&mut self) -> Option<Summary> {
        if self.pending.is_empty() {
            return None;
        }
        let pending = std::mem::take(&mut self.pending);
        Some(Summary {
            count: pending.len(),
            visitors: pending.into_iter().take(NAMES).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_threshold_tickets_are_gathered_and_none_is_lost() {
        let t0 = Instant::now();
        let mut c = Coalescer::new(5);
        let s = |n: u64| t0 + Duration::from_secs(n);
        for n in 0..5 {
            assert_eq!(c.offer(s(n), &format!("V{n}")), Offer::Show);
        }
        assert_eq!(c.offer(s(5), "Ana"), Offer::Gathered { first: true });
        for (i, v) in ["Bo", "Cy", "Dee"].iter().enumerate() {
            assert_eq!(
                c.offer(s(6 + i as u64), v),
                Offer::Gathered { first: false }
            );
        }
        let sum = c.flush().unwrap();
        assert_eq!(sum.count, 4);
        assert_eq!(sum.title(), "4 new tickets");
        assert_eq!(sum.body(), "Ana, Bo, Cy and 1 more");
        assert_eq!(c.flush(), None, "flushed once");
        // Still busy within the ten minutes: the next one is gathered again.
        assert_eq!(c.offer(s(100), "Eve"), Offer::Gathered { first: true });
        assert_eq!(c.flush().unwrap().body(), "Eve");
        // A quiet stretch later, tickets show on their own again.
        assert_eq!(c.offer(s(100 + 601), "Fay"), Offer::Show);
    }

    #[test]
    fn the_owners_threshold_applies_at_once() {
        let t0 = Instant::now();
        let mut c = Coalescer::new(2);
        assert_eq!(c.offer(t0, "A"), Offer::Show);
        assert_eq!(c.offer(t0, "B"), Offer::Show);
        assert_eq!(c.offer(t0, "C"), Offer::Gathered { first: true });
        assert_eq!(c.flush().unwrap().count, 1);
        c.set_after(100);
        assert_eq!(
            c.offer(t0, "D"),
            Offer::Show,
            "well under the new threshold"
        );
    }
}
