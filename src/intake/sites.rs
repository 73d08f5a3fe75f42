//! The intake's view of registered sites: cached in memory, reloaded from the store when a
//! token or origin is not found (at most once a second, so unknown tokens cannot hammer the
//! database), which is how a `deskbell site add` in another process takes effect at once.
//!
//! A token found in the cache is confirmed against the site's row as stored now (one read by
//! primary key) before it is accepted: a token rotated away or a site removed — by the window
//! in this process or by `deskbell site` in another — is refused on the very next request,
//! and the cache is then reloaded at once. The confirmed row also carries the site's current
//! origins.

use crate::domain::Site;
use crate::inbox::Inbox;
use sha2::{Digest, Sha256};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

const RELOAD_EVERY: Duration = Duration::from_secs(1);

pub struct SiteDirectory {
    sites: RwLock<Arc<Vec<Site>>>,
    last_reload: tokio::sync::Mutex<Option<Instant>>,
}

impl SiteDirectory {
    pub fn new() -> Self {
        Self {
            sites: RwLock::new(Arc::new(Vec::new())),
            last_reload: tokio::sync::Mutex::new(None),
        }
    }

    fn snapshot(&self) -> Arc<Vec<Site>> {
        self.sites.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Reloads from the store unless a reload finished less than [`RELOAD_EVERY`] ago.
    /// Concurrent callers wait for a reload in progress instead of racing past it.
    async fn refresh(&self, inbox: &Inbox) {
        let mut last = self.last_reload.lock().await;
        if last.is_some_and(|t| t.elapsed() < RELOAD_EVERY) {
            return;
        }
        self.reload(inbox, &mut last).await;
    }

    async fn reload(&self, inbox: &Inbox, last: &mut Option<Instant>) {
        match inbox.sites().await {
            Ok(sites) => {
                *self.sites.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(sites);
                *last = Some(Instant::now());
            }
            Err(e) => tracing::warn!(error = %e, "cannot reload sites"),
        }
    }

    /// The site whose token matches. Every registered token is compared, in constant time,
    /// over SHA-256 digests (equal length whatever was sent).
    /// A match from the cache counts only once the store confirms it.
    pub async fn by_token(&self, inbox: &Inbox, token: &str) -> Option<Site> {
        if let Some(cached) = find_token(&self.snapshot(), token) {
            match inbox.site_by_id(cached.id).await {
                Ok(Some(now)) if find_token(std::slice::from_ref(&now), token).is_some() => {
                    return Some(now)
                }
                Ok(_) => {}
                // The store cannot answer: keep to the cache (the insert will tell if the
                // store is really gone) rather than refuse a visitor for our own trouble.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot check a site's token");
                    return Some(cached);
                }
            }
            // Rotated or removed since the cache was filled: the cache is stale for everyone.
            self.reload(inbox, &mut *self.last_reload.lock().await)
                .await;
            return find_token(&self.snapshot(), token);
        }
        self.refresh(inbox).await;
        find_token(&self.snapshot(), token)
    }

    /// Whether any site allows `origin` (decides CORS headers before the body is read).
    pub async fn any_allows(&self, inbox: &Inbox, origin: &str) -> bool {
        let check = |sites: &[Site]| sites.iter().any(|s| s.origins.iter().any(|o| o == origin));
        if check(&self.snapshot()) {
            return true;
        }
        self.refresh(inbox).await;
        check(&self.snapshot())
    }
}

impl Default for SiteDirectory {
    fn default() -> Self {
        Self::new()
    }
}

fn find_token(sites: &[Site], token: &str) -> Option<Site> {
    let wanted = Sha256::digest(token.as_bytes());
    let mut found = None;
    for s in sites {
        let have = Sha256::digest(s.bot_token.as_bytes());
        if bool::from(have.ct_eq(&wanted)) {
            found = Some(s.clone());
        }
    }
    found
}
