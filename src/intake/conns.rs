//! Who holds a connection to the intake listener, and who gives one up when there is no room
//! (docs/architecture.md, "Flow 1: a ticket in"). Decisions only: the accept loop
//! (`listen`) asks [`Conns::admit`] for each new socket and closes what it is told to.
//!
//! A connection is *waiting* while no request of it is being answered: it has not finished
//! sending its request head yet, or it sits idle between keep-alive requests. Waiting costs
//! the listener a descriptor and gives it nothing, so when a cap is reached the oldest waiting
//! connection is closed to let the new one in; only when every connection is busy answering
//! is the new one closed at once. Thus thousands of slow sockets cannot lock real visitors
//! out: each newcomer pushes the oldest idler out, and a real request, whose head arrives in
//! milliseconds, is busy long before it could become the oldest.
//!
//! Two caps: `max_total` for everybody together (kept below the open-file limit), and
//! `max_per_address` for one client address — one IPv4 address, or one IPv6 /64 (what a
//! single host or customer is usually given). The per-address cap is not applied to loopback
//! peers: behind a tunnel every connection comes from 127.0.0.1, and capping it would cap
//! the tunnel, i.e. everybody. Behind a tunnel the total cap with its eviction does the work.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

/// What the per-address cap counts: an IPv4 address or an IPv6 /64; `None` for loopback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AddrKey {
    V4(u32),
    V6(u64),
}

impl AddrKey {
    fn of(ip: IpAddr) -> Option<Self> {
        let ip = ip.to_canonical();
        if ip.is_loopback() {
            return None;
        }
        Some(match ip {
            IpAddr::V4(v4) => Self::V4(u32::from(v4)),
            IpAddr::V6(v6) => Self::V6((u128::from(v6) >> 64) as u64),
        })
    }
}

/// One connection's state, shared by its task, its requests and the registry.
#[derive(Debug, Default)]
pub(super) struct ConnState {
    in_flight: AtomicUsize,
    /// Microseconds since the connection's start when it last became idle; [`NEVER`] before
    /// its first answer.
    idle_since: AtomicU64,
    /// Microseconds since the connection's start of its latest read of any bytes.
    last_read: AtomicU64,
    /// Told when the connection is to close to make room.
    pub(super) evicted: Notify,
    /// Told when the connection becomes idle (so its task arms the idle timer).
    pub(super) idled: Notify,
}

const NEVER: u64 = u64::MAX;

impl ConnState {
    pub(super) fn new() -> Self {
        Self {
            idle_since: AtomicU64::new(NEVER),
            ..Self::default()
        }
    }

    pub(super) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    pub(super) fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    /// `now_us`: microseconds since the connection's start.
    pub(super) fn request_ended(&self, now_us: u64) {
        // idle_since first: whoever sees no request in flight must see when that began.
        self.idle_since.store(now_us, Ordering::Release);
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idled.notify_one();
        }
    }

    pub(super) fn read_some(&self, now_us: u64) {
        self.last_read.store(now_us, Ordering::Release);
    }

    /// When an idle keep-alive connection is to be closed (microseconds since its start), or
    /// `None` while a request is being answered, before the first answer (the header timeout
    /// governs) or once the next request has begun arriving (the header timeout again).
    pub(super) fn idle_deadline_us(&self, idle_us: u64) -> Option<u64> {
        let since = self.idle_since.load(Ordering::Acquire);
        if self.in_flight() > 0 || since == NEVER || self.last_read.load(Ordering::Acquire) > since
        {
            return None;
        }
        Some(since.saturating_add(idle_us))
    }
}

/// A place in the registry; dropping it gives the place back.
pub(super) struct Slot {
    conns: Arc<Conns>,
    id: u64,
    pub(super) state: Arc<ConnState>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.conns.lock().remove(self.id);
    }
}

/// What [`Conns::admit`] did to make room, for the listener's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admitted {
    /// There was room.
    Freely,
    /// The oldest waiting connection (of the same address, or of all) was closed for it.
    Evicting,
}

pub(super) struct Conns {
    inner: Mutex<Inner>,
    max_total: usize,
    max_per_address: usize,
}

#[derive(Default)]
struct Inner {
    next: u64,
    /// By age: ids grow with each accept.
    live: BTreeMap<u64, Entry>,
    per_key: HashMap<AddrKey, usize>,
}

struct Entry {
    key: Option<AddrKey>,
    state: Arc<ConnState>,
}

impl Conns {
    pub(super) fn new(max_total: usize, max_per_address: usize) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::default(),
            max_total: max_total.max(1),
            max_per_address: max_per_address.max(1),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The registry stays consistent at every await-free step; a panic elsewhere must not
        // close the listener.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a connection from `peer`, making room by closing the oldest waiting
    /// connection if a cap is reached; `None` when every connection in the way is busy (the
    /// new one is then to be closed at once).
    pub(super) fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<(Slot, Admitted)> {
        let key = AddrKey::of(peer);
        let mut inner = self.lock();
        let mut how = Admitted::Freely;
        if let Some(k) = key {
            if inner.per_key.get(&k).copied().unwrap_or(0) >= self.max_per_address {
                if !inner.evict_oldest_waiting(|e| e.key == Some(k)) {
                    return None;
                }
                how = Admitted::Evicting;
            }
        }
        if inner.live.len() >= self.max_total {
            if !inner.evict_oldest_waiting(|_| true) {
                return None;
            }
            how = Admitted::Evicting;
        }
        let id = inner.next;
        inner.next += 1;
        let state = Arc::new(ConnState::new());
        inner.live.insert(
            id,
            Entry {
                key,
                state: state.clone(),
            },
        );
        if let Some(k) = key {
            *inner.per_key.entry(k).or_default() += 1;
        }
        drop(inner);
        let slot = Slot {
            conns: self.clone(),
            id,
            state,
        };
        Some((slot, how))
    }

    /// Closes the oldest waiting connection (when the process runs out of descriptors).
    pub(super) fn evict_oldest_waiting(&self) -> bool {
        self.lock().evict_oldest_waiting(|_| true)
    }

    pub(super) fn len(&self) -> usize {
        self.lock().live.len()
    }
}

impl Inner {
    fn evict_oldest_waiting(&mut self, matches: impl Fn(&Entry) -> bool) -> bool {
        let victim = self
            .live
            .iter()
            .find(|(_, e)| matches(e) && e.state.in_flight() == 0)
            .map(|(id, _)| *id);
        let Some(id) = victim else {
            return false;
        };
        if let Some(e) = self.remove(id) {
            // Its task closes the socket; the place is free from now on.
            e.state.evicted.notify_one();
        }
        true
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let e = self.live.remove(&id)?;
        if let Some(k) = e.key {
            if let Some(n) = self.per_key.get_mut(&k) {
                *n -= 1;
                if *n == 0 {
                    self.per_key.remove(&k);
                }
            }
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn evicted(s: &ConnState) -> bool {
        // A stored permit completes `notified()` at once.
        let n = s.evicted.notified();
        futures_util::FutureExt::now_or_never(n).is_some()
    }

    #[test]
    fn over_the_total_cap_the_oldest_waiting_connection_makes_room() {
        let conns = Conns::new(3, 100);
        let (a, _) = conns.admit(ip("127.0.0.1")).unwrap();
        let (b, _) = conns.admit(ip("127.0.0.1")).unwrap();
        let (c, how) = conns.admit(ip("127.0.0.1")).unwrap();
        assert_eq!(how, Admitted::Freely);
        a.state.request_started();
        let (d, how) = conns.admit(ip("127.0.0.1")).unwrap();
        assert_eq!(how, Admitted::Evicting);
        assert!(!evicted(&a.state), "a is busy answering");
        assert!(evicted(&b.state), "b is the oldest waiting");
        assert!(!evicted(&c.state));
        assert_eq!(conns.len(), 3);
        drop(b);
        assert_eq!(conns.len(), 3, "an evicted slot was already given back");
        c.state.request_started();
        d.state.request_started();
        assert!(
            conns.admit(ip("127.0.0.1")).is_none(),
            "all busy: the newcomer is refused"
        );
        d.state.request_ended(5);
        let (_e, _) = conns.admit(ip("127.0.0.1")).unwrap();
        assert!(evicted(&d.state), "idle between requests counts as waiting");
        drop((a, c));
        assert_eq!(conns.len(), 1);
    }

    #[test]
    fn the_per_address_cap_evicts_that_address_only_and_spares_loopback() {
        let conns = Conns::new(100, 2);
        let (x1, _) = conns.admit(ip("203.0.113.7")).unwrap();
        let (other, _) = conns.admit(ip("198.51.100.1")).unwrap();
        let (_x2, _) = conns.admit(ip("::ffff:203.0.113.7")).unwrap();
        let (_x3, how) = conns.admit(ip("203.0.113.7")).unwrap();
        assert_eq!(how, Admitted::Evicting);
        assert!(evicted(&x1.state));
        assert!(
            !evicted(&other.state),
            "the older connection of another address stays"
        );

        let (v6a, _) = conns.admit(ip("2001:db8:1:2::1")).unwrap();
        let (_v6b, _) = conns.admit(ip("2001:db8:1:2::ffff")).unwrap();
        let (_v6c, _) = conns.admit(ip("2001:db8:1:3::1")).unwrap();
        assert!(!evicted(&v6a.state), "another /64");
        let (_v6d, _) = conns.admit(ip("2001:db8:1:2:abcd::9")).unwrap();
        assert!(evicted(&v6a.state), "the same /64 counts as one address");

        let locals: Vec<_> = (0..10)
            .map(|_| conns.admit(ip("127.0.0.1")).unwrap())
            .collect();
        assert!(locals
            .iter()
            .all(|(s, how)| !evicted(&s.state) && *how == Admitted::Freely));
    }

    #[test]
    fn an_idle_connection_has_a_deadline_until_its_next_request_starts_arriving() {
        let s = ConnState::new();
        assert_eq!(s.idle_deadline_us(1_000), None, "before the first answer");
        s.read_some(10);
        s.request_started();
        assert_eq!(s.idle_deadline_us(1_000), None, "answering");
        s.request_ended(50);
        assert_eq!(s.idle_deadline_us(1_000), Some(1_050));
        s.read_some(60);
        assert_eq!(s.idle_deadline_us(1_000), None, "the next head is arriving");
    }
}
