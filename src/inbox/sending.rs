//! The outbox as the owner sees and steers it (`deskbell mail status`, `mail resend`, the
//! window's status area): what waits, what the daily budget holds back and when it frees,
//! what failed and why, and putting failed mail back in the queue.

use super::{Inbox, InboxError, Result};
use crate::mail::budget;
use crate::store::outbox::{self, FailedMail, Kind};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How many failed mails the status lists (the total is counted apart).
const FAILED_SHOWN: u32 = 50;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailStatus {
    /// Waiting to be sent (held mail included).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queued: i64,
    /// Of those, held back by the daily budget now.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub held: i64,
    /// Messages that left in the last 24 hours.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent_last_24h: i64,
    /// `[mail] daily_send_limit`.
    pub daily_limit: u32,
    /// How many more automatic mails (notifications, confirmations) may go now.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub automatic_left: i64,
    /// How many more of the owner's replies may go now.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub replies_left: i64,
    /// When the oldest departure leaves the 24-hour window (one more slot frees then).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_slot_at: Option<DateTime<Utc>>,
    /// Every failed mail, counted.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failed_total: i64,
    /// The newest failed mails, with their reasons.
    pub failed: Vec<FailedMail>,
}

impl Inbox {
    /// The outbox and the sending budget, now.
    pub async fn mail_status(&self) -> Result<MailStatus> {
        let limit = self
            .mail()
            .map_or(crate::config::Mail::default().daily_send_limit, |m| {
                m.daily_send_limit
            });
        let now = self.clock.now();
        let (queued, held, sent, first, failed_total, failed) = self
            .store
            .read(move |c| {
                let (queued, held) = outbox::queued(c)?;
                let (sent, first) = outbox::sent_since(c, now - budget::window())?;
                let (_, _, failed_total) = outbox::counts(c)?;
                let failed = outbox::failed(c, FAILED_SHOWN)?;
                Ok((queued, held, sent, first, failed_total, failed))
            })
            .await?;
        let left = |kind: Kind| (i64::from(budget::cap(kind, limit)) - sent).max(0);
        Ok(MailStatus {
            queued,
            held,
            sent_last_24h: sent,
            daily_limit: limit,
            automatic_left: left(Kind::Notification),
            replies_left: left(Kind::Reply),
            next_slot_at: first.map(|f| f + budget::window()),
            failed_total,
            failed,
        })
    }

    /// Sends failed mail `id` again (same Message-ID), at once.
    pub async fn resend(&self, id: i64) -> Result<()> {
        let now = self.clock.now();
        let requeued = self
            .store
            .write(move |c| outbox::requeue(c, id, now))
            .await?;
        if !requeued {
            return Err(InboxError::NotFound(format!(
                "no failed mail {id} (see `deskbell mail status`)"
            )));
        }
        self.outbox_wake.notify_one();
        Ok(())
    }

    /// Sends every failed mail again; how many.
    pub async fn resend_failed(&self) -> Result<usize> {
        let now = self.clock.now();
        let n = self
            .store
            .write(move |c| outbox::requeue_failed(c, now))
            .await?;
        if n > 0 {
            self.outbox_wake.notify_one();
        }
        Ok(n)
    }
}
