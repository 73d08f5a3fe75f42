//! "Test connection" (`deskbell::mail::check::smtp`) against the real test mail stack: each
//! outcome the settings window shows, with its problem code, and never the password.

mod common;

use common::mailstack::{address, MailStack};
use deskbell::config::{Account, Security};
use deskbell::mail::check::{smtp, Problem};

fn account(ms: &MailStack, port_key: &str, security: Security, password: &str) -> Account {
    Account {
        host: Some(ms.get("MAILSTACK_HOST").to_string()),
        port: Some(ms.get(port_key).parse().unwrap()),
        security: Some(security),
        username: None,
        password: Some(password.into()),
        ca_file: Some(ms.get("MAILSTACK_CA").into()),
        ..Account::default()
    }
}

#[tokio::test]
async fn smtp_check_names_each_problem() {
    let ms = MailStack::start();
    let owner = address("owner");
    let good = account(
        &ms,
        "MAILSTACK_SUBMISSION_PORT",
        Security::Starttls,
        ms.password(),
    );

    let r = smtp(&good, Some(&owner)).await;
    assert!(r.ok, "{r:?}");
    assert_eq!(r.problem, Problem::Ok);

    // Implicit TLS works on its own port.
    let implicit = account(&ms, "MAILSTACK_SMTPS_PORT", Security::Tls, ms.password());
    let r = smtp(&implicit, Some(&owner)).await;
    assert_eq!(r.problem, Problem::Ok, "{r:?}");

    let secret = "not-the-password-4711";
    let wrong = Account {
        password: Some(secret.into()),
        ..good.clone()
    };
    let r = smtp(&wrong, Some(&owner)).await;
    assert_eq!(r.problem, Problem::WrongPassword, "{r:?}");
    assert!(!r.ok);
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        !text.contains(secret),
        "the password is never reported: {text}"
    );
    assert!(r.hint.as_deref().unwrap().contains("password"), "{r:?}");

    // Implicit TLS against the STARTTLS port.
    let mismatch = Account {
        security: Some(Security::Tls),
        ..good.clone()
    };
    let r = smtp(&mismatch, Some(&owner)).await;
    assert_eq!(r.problem, Problem::Tls, "{r:?}");
    assert!(r.hint.as_deref().unwrap().contains("587"), "{r:?}");

    // Without the test CA the server's certificate is not trusted.
    let untrusted = Account {
        ca_file: None,
        ..good.clone()
    };
    let r = smtp(&untrusted, Some(&owner)).await;
    assert_eq!(r.problem, Problem::UntrustedCertificate, "{r:?}");

    // Nothing listens on port 1.
    let closed = Account {
        port: Some(1),
        ..good.clone()
    };
    let r = smtp(&closed, Some(&owner)).await;
    assert_eq!(r.problem, Problem::Unreachable, "{r:?}");
    assert!(r.message.contains("127.0.0.1:1"), "{r:?}");

    // No password at all: said before any connection is tried.
    let missing = Account {
        password: None,
        ..good
    };
    let r = smtp(&missing, Some(&owner)).await;
    assert_eq!(r.problem, Problem::NotConfigured, "{r:?}");
}
