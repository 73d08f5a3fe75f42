//! The public address, checked: the listener's reach probe over real HTTP, and the checker
//! through a real reverse proxy on loopback (nginx, standing in for the tunnel) to this
//! Deskbell, to another Deskbell, to nothing, over TLS; plus a name that does not resolve and
//! a server that never answers. And `deskbell doctor` passing end to end.

mod common;

use common::nginx::{closed_port, Nginx, TestCa, Tls};
use common::{start, NO_LIMITS};
use deskbell::random::SeqRandom;
use deskbell::reach::{self, ReachError, ReachKey, Scope};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

async fn check(url: &str, key: &ReachKey) -> Result<reach::Reached, ReachError> {
    reach::check_public_url(Some(url), key, &SeqRandom::new(7), TIMEOUT).await
}

#[tokio::test]
async fn the_listener_echoes_a_probe_with_this_installs_proof() {
    let s = start(NO_LIMITS).await;
    let key = ReachKey::load(s.data_dir()).unwrap();

    // Without a probe, /health answers as before.
    let plain: serde_json::Value = s
        .http
        .get(s.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plain["status"], "ok");
    assert!(plain.get("proof").is_none(), "{plain}");

    let nonce = "0123456789abcdef-_XYZ";
    let resp = s
        .http
        .get(s.url(&format!("/health?probe={nonce}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["probe"], nonce);
    assert_eq!(body["proof"], key.proof(nonce));
    assert_eq!(body["proof"].as_str().unwrap().len(), reach::PROOF_HEX);

    for bad in ["short", &"a".repeat(65), "0123456789abcdef%2F", ""] {
        let resp = s
            .http
            .get(s.url(&format!("/health?probe={bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"], "bad_probe");
    }
    s.app.stop().await;
}

#[tokio::test]
async fn a_proxy_to_this_deskbell_passes_and_to_another_one_does_not() {
    let ours = start(NO_LIMITS).await;
    let theirs = start(NO_LIMITS).await;
    let key = ReachKey::load(ours.data_dir()).unwrap();

    let to_ours = Nginx::proxy_to(ours.app.intake_addr());
    let reached = check(&to_ours.http_url(), &key).await.unwrap();
    assert_eq!(reached.scope, Scope::ThisComputer);
    let words = reached.to_string();
    assert!(words.contains("reaches this Deskbell"), "{words}");
    assert!(words.contains("only from this computer"), "{words}");

    // A base path is kept: the tunnel may publish Deskbell under one.
    let e = check(&format!("{}/desk", to_ours.http_url()), &key)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ReachError::NotDeskbell {
                status: Some(404),
                ..
            }
        ),
        "{e}"
    );

    let to_theirs = Nginx::proxy_to(theirs.app.intake_addr());
    let e = check(&to_theirs.http_url(), &key).await.unwrap_err();
    assert!(matches!(e, ReachError::OtherDeskbell), "{e}");
    assert!(e.to_string().contains("reaches another Deskbell"), "{e}");
    // …which passes for the other install's own key: the check is per install, across processes.
    let their_key = ReachKey::load(theirs.data_dir()).unwrap();
    check(&to_theirs.http_url(), &their_key).await.unwrap();

    ours.app.stop().await;
    theirs.app.stop().await;
}

#[tokio::test]
async fn a_proxy_to_nothing_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let key = ReachKey::load(dir.path()).unwrap();
    let proxy = Nginx::proxy_to(([127, 0, 0, 1], closed_port()).into());
    let e = check(&proxy.http_url(), &key).await.unwrap_err();
    assert!(
        matches!(
            e,
            ReachError::NotDeskbell {
                status: Some(502),
                ..
            }
        ),
        "{e}"
    );
    let words = e.to_string();
    assert!(
        words.contains("HTTP 502 Bad Gateway, not Deskbell"),
        "{words}"
    );
    assert!(words.contains("the tunnel reaches nothing"), "{words}");
    assert!(
        proxy.error_log().contains("connect() failed"),
        "{}",
        proxy.error_log()
    );
}

#[tokio::test]
async fn over_tls_an_untrusted_or_misnamed_certificate_is_named_and_a_trusted_one_passes() {
    let ours = start(NO_LIMITS).await;
    let key = ReachKey::load(ours.data_dir()).unwrap();
    let ca = TestCa::new("DNS:localhost");
    let (cert, tls_key) = ca.tls();
    let proxy = Nginx::tls_proxy_to(
        ours.app.intake_addr(),
        Tls {
            cert: &cert,
            key: &tls_key,
        },
    );

    // The public roots do not know the test CA: what a self-signed tunnel looks like.
    let e = check(&proxy.https_url("localhost"), &key)
        .await
        .unwrap_err();
    assert!(matches!(e, ReachError::Tls { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("TLS failed with localhost: the certificate is not trusted"),
        "{e}"
    );

    // Trusted, for the name on the certificate: reaches this Deskbell over https.
    let random = SeqRandom::new(1);
    let ok = reach::check_public_url_with_roots(
        Some(&proxy.https_url("localhost")),
        &key,
        &random,
        TIMEOUT,
        ca.roots(),
    )
    .await
    .unwrap();
    assert_eq!(ok.scope, Scope::ThisComputer);

    // Trusted, but asked for by another name (its IP address): a name mismatch.
    let e = reach::check_public_url_with_roots(
        Some(&proxy.https_url("127.0.0.1")),
        &key,
        &random,
        TIMEOUT,
        ca.roots(),
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("the certificate is for another name"),
        "{e}"
    );

    // https to a plain-http listener: TLS fails, said so.
    let e = check(&format!("https://{}", ours.app.intake_addr()), &key)
        .await
        .unwrap_err();
    assert!(matches!(e, ReachError::Tls { .. }), "{e}");
    assert!(e.to_string().contains("does not speak TLS there"), "{e}");
    ours.app.stop().await;
}

#[tokio::test]
async fn dns_refused_timeout_and_not_set_each_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let key = ReachKey::load(dir.path()).unwrap();

    let e = check("https://deskbell-reach-test.invalid", &key)
        .await
        .unwrap_err();
    assert!(matches!(e, ReachError::Dns { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("the name deskbell-reach-test.invalid does not resolve (DNS)"),
        "{e}"
    );

    let port = closed_port();
    let e = check(&format!("http://127.0.0.1:{port}"), &key)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("nothing is listening at 127.0.0.1:{port} (connection refused)")
    );

    // Accepted by the kernel, never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let e = reach::check_public_url(
        Some(&url),
        &key,
        &SeqRandom::new(1),
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ReachError::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");

    let e = check("", &key).await.unwrap_err();
    assert!(matches!(e, ReachError::NotSet), "{e}");
    let e = check("support.example.com", &key).await.unwrap_err();
    assert!(e.to_string().contains("not a valid http(s) address"), "{e}");
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    use std::io::{Read, Write};
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = server.accept() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.example/\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let key = ReachKey::load(dir.path()).unwrap();
    let e = check(&url, &key).await.unwrap_err();
    assert!(matches!(e, ReachError::Redirect { status: 301, .. }), "{e}");
    assert!(
        e.to_string().contains("to https://elsewhere.example/"),
        "{e}"
    );
    assert!(e.to_string().contains("redirects are not followed"), "{e}");
}

/// `deskbell doctor` with mail set up (the real test mail stack) and the public address
/// through the proxy: passes when it reaches this Deskbell; fails, saying why, when it does not.
// multi-thread: the listener must serve while the test waits on the doctor process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_through_the_proxy_to_this_deskbell() {
    use common::mailstack::{address, MailStack};
    let ms = MailStack::start();
    let owner = address("owner");
    let ours = start(NO_LIMITS).await;
    let proxy = Nginx::proxy_to(ours.app.intake_addr());
    let doctor = |dir: &std::path::Path, public_url: &str| {
        let cfg = dir.join("doctor.toml");
        let config = format!(
            "[owner]\nemail = \"{owner}\"\n[intake]\npublic_url = \"{public_url}\"\n{}",
            ms.smtp_config(&owner, ms.password())
        );
        std::fs::write(&cfg, config).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deskbell"))
            .arg("--config")
            .arg(&cfg)
            .arg("--data-dir")
            .arg(dir)
            .arg("doctor")
            .env("DESKBELL_SECRETS", "file")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = doctor(ours.data_dir(), &proxy.http_url());
    assert!(ok, "{text}");
    assert!(text.contains("logged in"), "{text}");
    assert!(
        text.contains(&format!(
            "Public:   {} reaches this Deskbell",
            proxy.http_url()
        )),
        "{text}"
    );

    // The same proxy, checked from another install's data dir: another Deskbell, a failure.
    let other = tempfile::tempdir().unwrap();
    let (ok, text) = doctor(other.path(), &proxy.http_url());
    assert!(!ok, "{text}");
    assert!(
        text.contains("FAILED: it reaches another Deskbell"),
        "{text}"
    );

    let (ok, text) = doctor(ours.data_dir(), "https://deskbell-reach-test.invalid");
    assert!(!ok, "{text}");
    assert!(text.contains("does not resolve (DNS)"), "{text}");
    ours.app.stop().await;
}
