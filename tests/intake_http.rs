//! The intake listener over real HTTP on a port-0 socket: every status code it promises,
//! CORS, both body formats, idempotency and the honeypot.

mod common;

use common::{count, start, NO_LIMITS};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn json_ticket_is_created_and_stored() {
    let s = start(NO_LIMITS).await;
    let resp = s
        .post_json(&s.ticket_json("The oven I bought makes a clicking noise"))
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let id = body["ticket_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("TKT-") && id.ends_with("-0001"), "{id}");
    assert_eq!(body["status"], "open");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));

    let view = s.app.inbox().ticket(&id.parse().unwrap()).await.unwrap();
    assert_eq!(view.ticket.visitor.email, "ana@example.com");
    assert_eq!(
        view.ticket.visitor.phone.as_deref(),
        Some("+55 11 5555-0100")
    );
    assert_eq!(
        view.ticket.page_url.as_deref(),
        Some("https://shop.example/contact")
    );
    assert_eq!(view.ticket.site.as_deref(), Some("Shop"));
    assert_eq!(view.messages.len(), 1);
    assert_eq!(
        view.messages[0].text,
        "The oven I bought makes a clicking noise"
    );
    assert_eq!(view.messages[0].from.as_deref(), Some("ana@example.com"));
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 1);
}

#[tokio::test]
async fn form_body_is_accepted() {
    let s = start(NO_LIMITS).await;
    let resp = s
        .http
        .post(s.url("/tickets/create"))
        .form(&[
            ("bot_token", s.token.as_str()),
            ("visitor_name", "José Müller"),
            ("visitor_email", "jose@example.de"),
            ("issue", "Zwei Zeilen\r\nzweite Zeile"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let id = body["ticket_id"].as_str().unwrap().parse().unwrap();
    let t = s.app.inbox().ticket(&id).await.unwrap().ticket;
    assert_eq!(t.visitor.name, "José Müller");
    assert_eq!(t.issue, "Zwei Zeilen\nzweite Zeile");
    assert_eq!(t.visitor.phone, None);
}

#[tokio::test]
async fn invalid_fields_are_each_named() {
    let s = start(NO_LIMITS).await;
    let resp = s
        .post_json(&json!({
            "bot_token": s.token,
            "visitor_name": "Eve\r\nBcc: all@example.com",
            "visitor_email": "not-an-address",
            "visitor_phone": "call me maybe",
            "issue": "x".repeat(5001),
        }))
        .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_fields");
    let fields = body["fields"].as_object().unwrap();
    for f in ["visitor_name", "visitor_email", "visitor_phone", "issue"] {
        assert!(fields.contains_key(f), "{f} missing in {body}");
    }
    assert!(fields["visitor_email"]
        .as_str()
        .unwrap()
        .contains("valid email"));
    assert!(fields["issue"].as_str().unwrap().contains("5000"));

    let empty = s
        .post_json(&json!({ "bot_token": s.token, "visitor_name": "A", "visitor_email": "a@b.co", "issue": "  " }))
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["fields"]["issue"], "is required");
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 0);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let s = start(NO_LIMITS).await;
    let resp = s
        .http
        .post(s.url("/tickets/create"))
        .header("content-type", "application/json")
        .body("{\"bot_token\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "malformed_body");
}

#[tokio::test]
async fn unknown_or_missing_token_is_401() {
    let s = start(NO_LIMITS).await;
    let mut t = s.ticket_json("hello");
    t["bot_token"] = json!("dbt_00000000000000000000000000000000");
    assert_eq!(s.post_json(&t).await.status(), StatusCode::UNAUTHORIZED);
    t.as_object_mut().unwrap().remove("bot_token");
    let resp = s.post_json(&t).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "unknown_bot_token");
}

#[tokio::test]
async fn a_site_added_while_running_is_accepted_at_once() {
    let s = start(NO_LIMITS).await;
    // Another process (the CLI) adds a site through its own connection.
    let other =
        deskbell::store::Store::open(&common::db_path(s.data_dir()), Default::default()).unwrap();
    let inbox = deskbell::Inbox::new(
        other,
        std::sync::Arc::new(deskbell::clock::SystemClock),
        deskbell::domain::OwnerTz(chrono_tz::UTC),
    );
    let site = inbox
        .add_site("Second", &["https://two.example".into()])
        .await
        .unwrap();
    let mut t = s.ticket_json("from the second site");
    t["bot_token"] = json!(site.bot_token);
    let resp = s
        .http
        .post(s.url("/tickets/create"))
        .header("origin", "https://two.example")
        .json(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let s = start(NO_LIMITS).await;
    let big = s.ticket_json(&"y".repeat(70 * 1024));
    let resp = s.post_json(&big).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "body_too_large");

    // Without a Content-Length (chunked), the limit still holds.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(vec![b' '; 40 * 1024]), Ok(vec![b' '; 40 * 1024])];
    let resp = s
        .http
        .post(s.url("/tickets/create"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_stream(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_stream(
    items: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + Sync + 'static {
    struct Iter(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);
    impl futures_core::Stream for Iter {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(items.into_iter())
}

#[tokio::test]
async fn other_content_types_are_415() {
    let s = start(NO_LIMITS).await;
    for ct in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
    ] {
        let resp = s
            .http
            .post(s.url("/tickets/create"))
            .header("content-type", ct)
            .body("bot_token=x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    let resp = s
        .http
        .post(s.url("/tickets/create"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn per_client_limit_gives_429_with_retry_after() {
    let s = start("client_rate_per_minute = 3\nglobal_rate_per_second = 1000\ntrust_forwarded_header = true\n").await;
    let send = |ip: &'static str| {
        let t = s.ticket_json("rate");
        let req = s
            .http
            .post(s.url("/tickets/create"))
            .header("x-forwarded-for", ip)
            .json(&t);
        async move { req.send().await.unwrap() }
    };
    for _ in 0..3 {
        assert_eq!(send("198.51.100.7").await.status(), StatusCode::CREATED);
    }
    let limited = send("198.51.100.7").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    // Another visitor behind the same tunnel is not affected.
    assert_eq!(send("203.0.113.9").await.status(), StatusCode::CREATED);
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 4);
}

#[tokio::test]
async fn global_limit_gives_429() {
    let s = start("client_rate_per_minute = 1000\nglobal_rate_per_second = 2\n").await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(s.post_json(&s.ticket_json("g")).await.status());
    }
    assert_eq!(&statuses[..2], &[StatusCode::CREATED, StatusCode::CREATED]);
    assert!(
        statuses[2..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn cors_allows_only_registered_origins() {
    let s = start(NO_LIMITS).await;
    let pre = |origin: &str| {
        s.http
            .request(reqwest::Method::OPTIONS, s.url("/tickets/create"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,idempotency-key",
            )
            .send()
    };
    let ok = pre("https://shop.example").await.unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let allow_headers = ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(allow_headers.contains("idempotency-key"));

    let refused = pre("https://evil.example").await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let post = |origin: &'static str| {
        s.http
            .post(s.url("/tickets/create"))
            .header("origin", origin)
            .json(&s.ticket_json("cors"))
            .send()
    };
    let ok = post("https://shop.example").await.unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let refused = post("https://evil.example").await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // An origin registered for another site cannot use this site's token.
    s.app
        .inbox()
        .add_site("Other", &["https://other.example".into()])
        .await
        .unwrap();
    let cross = post("https://other.example").await.unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 1);
}

#[tokio::test]
async fn idempotency_key_returns_the_same_ticket() {
    let s = start(NO_LIMITS).await;
    let send = |key: &'static str| {
        s.http
            .post(s.url("/tickets/create"))
            .header("idempotency-key", key)
            .json(&s.ticket_json("same"))
            .send()
    };
    let a = send("k-1").await.unwrap();
    assert_eq!(a.status(), StatusCode::CREATED);
    assert!(a.headers().get("idempotent-replayed").is_none());
    let a: Value = a.json().await.unwrap();
    let b = send("k-1").await.unwrap();
    assert_eq!(b.status(), StatusCode::CREATED);
    assert_eq!(b.headers()["idempotent-replayed"], "true");
    let b: Value = b.json().await.unwrap();
    assert_eq!(a["ticket_id"], b["ticket_id"]);
    let c: Value = send("k-2").await.unwrap().json().await.unwrap();
    assert_ne!(a["ticket_id"], c["ticket_id"]);
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 2);

    // Concurrent retries of one submission still make one ticket.
    let mut handles = Vec::new();
    for _ in 0..20 {
        let req = s
            .http
            .post(s.url("/tickets/create"))
            .header("idempotency-key", "k-burst")
            .json(&s.ticket_json("burst"));
        handles.push(tokio::spawn(async move {
            req.send().await.unwrap().json::<Value>().await.unwrap()
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for h in handles {
        ids.insert(h.await.unwrap()["ticket_id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(count(s.data_dir(), "SELECT count(*) FROM tickets"), 3);

    let bad = s
        .http
        .post(s.url("/tickets/create"))
        .header("idempotency-key", "x".repeat(200))
        .json(&s.ticket_json("bad key"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn honeypot_is_accepted_silently_but_flagged() {
    let s = start(NO_LIMITS).await;
    let mut t = s.ticket_json("Cheap watches!!!");
    t["website"] = json!("http://spam.example");
    let resp = s.post_json(&t).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "open");
    assert_eq!(
        count(s.data_dir(), "SELECT count(*) FROM tickets WHERE spam = 1"),
        1
    );
    let visible = s.app.inbox().tickets(Default::default()).await.unwrap();
    assert!(visible.is_empty(), "spam is hidden from the default list");
}

#[tokio::test]
async fn only_the_public_routes_exist() {
    let s = start(NO_LIMITS).await;
    let health = s.http.get(s.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");
    for path in ["/", "/tickets", "/admin", "/tickets/TKT-20260101-0001"] {
        let r = s.http.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"], "not_found");
    }
    let r = s.http.get(s.url("/tickets/create")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let w = s.http.get(s.url("/widget.js")).send().await.unwrap();
    assert_eq!(w.status(), StatusCode::OK);
    assert!(w.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = w.text().await.unwrap();
    assert!(js.contains("Deskbell") && js.contains("/tickets/create"));
    // The demo page is never served by the public listener.
    for path in ["/demo.html", "/demo"] {
        let r = s.http.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
}
