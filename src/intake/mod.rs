//! The public intake listener — the only thing a tunnel exposes. It serves exactly
//! `POST /tickets/create` (and its CORS preflight), `GET /widget.js` and `GET /health`
//! (with `?probe=<nonce>`, the reach probe's stateless echo: [`crate::reach`]).
//! No admin route ever lives here: behind a tunnel every request seems to come from
//! 127.0.0.1, so "local only" checks would mean nothing.
//!
//! Order of checks on a create, cheapest first: origin → rate limits → content type →
//! body size → parse → bot token → the site's own origins → fields → store. A `201` is sent
//! only after the ticket's transaction has committed.
//!
//! The socket itself — timeouts, connection caps, shutdown — is [`listen`]'s.

mod body;
mod conns;
mod error;
pub mod fd_limit;
pub mod listen;
mod rate;
mod sites;
mod timing;

pub use body::HONEYPOT;
pub use error::IntakeError;

use crate::config::Intake as IntakeConfig;
use crate::inbox::Inbox;
use crate::reach::ReachKey;
use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const MAX_IDEMPOTENCY_KEY: usize = 128;

pub struct IntakeState {
    inbox: Inbox,
    sites: sites::SiteDirectory,
    limits: rate::RateLimits,
    max_body: usize,
    forwarded_header: Option<String>,
    reach: ReachKey,
}

/// The router, ready to serve with [`listen::serve`] (which gives handlers the peer as
/// `ConnectInfo<SocketAddr>`); `reach` answers the reach probe on `/health`.
pub fn router(inbox: Inbox, config: &IntakeConfig, reach: ReachKey) -> Router {
    let state = Arc::new(IntakeState {
        inbox,
        sites: sites::SiteDirectory::new(),
        limits: rate::RateLimits::new(
            config.client_rate_per_minute,
            config.global_rate_per_second,
            Instant::now(),
        ),
        max_body: config.max_body_bytes,
        forwarded_header: config.trust_forwarded_header.header(),
        reach,
    });
    Router::new()
        .route("/tickets/create", post(create).options(preflight))
        .route("/health", get(health))
        .route("/widget.js", get(widget_js))
        .fallback(not_found)
        .with_state(state)
}

/// The website widget, built into the binary so the script always matches this listener.
pub const WIDGET_JS: &str = include_str!("../../widget/widget.js");

async fn widget_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        WIDGET_JS,
    )
        .into_response()
}

/// `{status, version}`; with `?probe=<nonce>` also the nonce and this install's proof for it,
/// never cached (a cached proof would vouch for a tunnel that no longer reaches us).
async fn health(State(s): State<Arc<IntakeState>>, RawQuery(query): RawQuery) -> Response {
    let probe = query.as_deref().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == "probe")
                    .map(|(_, v)| v)
            })
            .unwrap_or(Some(String::new()))
    });
    let mut body = serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") });
    if let Some(nonce) = probe {
        if !crate::reach::valid_nonce(&nonce) {
            return IntakeError::BadProbe.into_response();
        }
        body["proof"] = serde_json::json!(s.reach.proof(&nonce));
        body["probe"] = serde_json::json!(nonce);
    }
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn not_found() -> Response {
    IntakeError::NotFound.into_response()
}

fn origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
        .filter(|o| !o.is_empty() && o != "null")
}

fn cors_headers(resp: &mut Response, origin: &str) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after, idempotent-replayed"),
    );
    h.append(header::VARY, HeaderValue::from_static("origin"));
}

async fn preflight(State(s): State<Arc<IntakeState>>, headers: HeaderMap) -> Response {
    let Some(origin) = origin(&headers) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    if !s.sites.any_allows(&s.inbox, &origin).await {
        return IntakeError::OriginRefused.into_response();
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    cors_headers(&mut resp, &origin);
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, idempotency-key"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    resp
}

fn client_ip(s: &IntakeState, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    let Some(name) = &s.forwarded_header else {
        return peer.ip();
    };
    // The rightmost entry is the one our own tunnel added; anything left of it came from
    // the client and could be forged.
    headers
        .get(name.as_str())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer.ip())
}

async fn create(
    State(s): State<Arc<IntakeState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    debug_assert_eq!(method, Method::POST);
    let origin = origin(&headers);
    let allowed_origin = match &origin {
        Some(o) if s.sites.any_allows(&s.inbox, o).await => Some(o.clone()),
        Some(_) => return IntakeError::OriginRefused.into_response(),
        None => None,
    };
    let mut resp = match create_inner(&s, peer, &headers, origin.as_deref(), body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    if let Some(o) = allowed_origin {
        cors_headers(&mut resp, &o);
    }
    resp
}

async fn create_inner(
    s: &IntakeState,
    peer: SocketAddr,
    headers: &HeaderMap,
    origin: Option<&str>,
    body: Body,
) -> Result<Response, IntakeError> {
    s.limits
        .check(client_ip(s, headers, peer), Instant::now())
        .map_err(IntakeError::RateLimited)?;

    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(body::Kind::from_content_type)
        .ok_or(IntakeError::UnsupportedMediaType)?;

    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > s.max_body) {
        return Err(IntakeError::TooLarge(s.max_body));
    }
    let bytes = axum::body::to_bytes(body, s.max_body).await.map_err(|e| {
        if timing::is_body_timeout(&e) {
            IntakeError::BodyTimeout
        } else {
            IntakeError::TooLarge(s.max_body)
        }
    })?;

    let fields = body::Fields::parse(kind, &bytes).map_err(IntakeError::Malformed)?;
    let token = fields.bot_token().ok_or(IntakeError::UnknownToken)?;
    let site = s
        .sites
        .by_token(&s.inbox, token)
        .await
        .ok_or(IntakeError::UnknownToken)?;
    if let Some(o) = origin {
        if !site.origins.iter().any(|allowed| allowed == o) {
            return Err(IntakeError::OriginRefused);
        }
    }

    let key = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY)
                .ok_or(IntakeError::BadIdempotencyKey)?
                .to_string(),
        ),
    };
    let new = fields
        .into_ticket(site.id)
        .map_err(IntakeError::InvalidFields)?;
    if new.spam {
        tracing::info!(site = %site.name, "honeypot filled; storing the ticket as spam");
    }
    let created = s.inbox.create_ticket(new, key).await?;
    let t = created.ticket;
    let mut resp = (
        StatusCode::CREATED,
        Json(serde_json::json!({
            "ticket_id": t.ticket_id,
            "status": t.status,
            "created_at": crate::clock::to_db(t.created_at),
        })),
    )
        .into_response();
    if !created.created {
        resp.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
    }
    Ok(resp)
}
