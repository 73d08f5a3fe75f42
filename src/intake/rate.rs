//! Rate limits for the public listener: a token bucket per client address and one for
//! everybody. Both refill continuously; a refusal says how long to wait (`Retry-After`).
//!
//! Memory stays bounded: when the per-client map grows past [`MAX_CLIENTS`], buckets that have
//! refilled completely (idle clients) are dropped.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    capacity: f64,
    per_second: f64,
}

impl Rule {
    fn refill(&self, b: &mut Bucket, now: Instant) {
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.capacity);
        b.last = now;
    }

    fn wait(&self, b: &Bucket) -> Duration {
        Duration::from_secs_f64(((1.0 - b.tokens) / self.per_second).max(0.0))
    }
}

#[derive(Debug)]
pub struct RateLimits {
    client: Rule,
    global: Rule,
    clients: Mutex<HashMap<IpAddr, Bucket>>,
    everyone: Mutex<Bucket>,
}

impl RateLimits {
    pub fn new(client_per_minute: u32, global_per_second: u32, now: Instant) -> Self {
        let client = Rule {
            capacity: f64::from(client_per_minute.max(1)),
            per_second: f64::from(client_per_minute.max(1)) / 60.0,
        };
        let global = Rule {
            capacity: f64::from(global_per_second.max(1)),
            per_second: f64::from(global_per_second.max(1)),
        };
        Self {
            client,
            global,
            clients: Mutex::new(HashMap::new()),
            everyone: Mutex::new(Bucket {
                tokens: global.capacity,
                last: now,
            }),
        }
    }

    /// Takes one token for `client` and one from the global bucket, or says how long to wait.
    /// A client refused by the global limit keeps its own token.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() >= MAX_CLIENTS {
            let rule = self.client;
            clients.retain(|_, b| {
                rule.refill(b, now);
                b.tokens < rule.capacity
            });
            if clients.len() >= MAX_CLIENTS {
                // Too many active addresses at once (a distributed flood): forget them all
                // rather than grow without bound; the global bucket still holds the line.
                clients.clear();
            }
        }
        let bucket = clients.entry(client).or_insert(Bucket {
            tokens: self.client.capacity,
            last: now,
        });
        self.client.refill(bucket, now);
        if bucket.tokens < 1.0 {
            return Err(self.client.wait(bucket));
        }
        let mut everyone = self.everyone.lock().unwrap_or_else(|p| p.into_inner());
        self.global.refill(&mut everyone, now);
        if everyone.tokens < 1.0 {
            return Err(self.global.wait(&everyone));
        }
        everyone.tokens -= 1.0;
        bucket.tokens -= 1.0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn per_client_limit_refills_over_time() {
        let t0 = Instant::now();
        let r = RateLimits::new(3, 1000, t0);
        for _ in 0..3 {
            r.check(ip(1), t0).unwrap();
        }
        let wait = r.check(ip(1), t0).unwrap_err();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        // Another client is not affected.
        r.check(ip(2), t0).unwrap();
        // 20 s later one token is back.
        r.check(ip(1), t0 + Duration::from_secs(20)).unwrap();
        assert!(r.check(ip(1), t0 + Duration::from_secs(20)).is_err());
    }

    #[test]
    fn global_limit_applies_across_clients() {
        let t0 = Instant::now();
        let r = RateLimits::new(100, 2, t0);
        r.check(ip(1), t0).unwrap();
        r.check(ip(2), t0).unwrap();
        let wait = r.check(ip(3), t0).unwrap_err();
        assert!(wait <= Duration::from_millis(500), "{wait:?}");
        r.check(ip(3), t0 + Duration::from_millis(500)).unwrap();
    }

    #[test]
    fn client_map_stays_bounded() {
        let t0 = Instant::now();
        let r = RateLimits::new(10, 1_000_000, t0);
        for i in 0..MAX_CLIENTS as u32 {
            r.check(IpAddr::from(i.to_be_bytes()), t0).unwrap();
        }
        // An hour later the old buckets have refilled; new clients push them out.
        let later = t0 + Duration::from_secs(3600);
        for i in 0..50u32 {
            r.check(IpAddr::from((u32::MAX - i).to_be_bytes()), later)
                .unwrap();
        }
        assert_eq!(r.clients.lock().unwrap().len(), 50);
    }
}
