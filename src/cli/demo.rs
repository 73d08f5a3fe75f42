//! `deskbell demo`: for local trials only. Runs Deskbell (as `serve` does) and, on a second
//! loopback-only listener, a demo shop page that embeds the widget — a cross-origin set-up like
//! a real website. The public intake listener never serves this page.

use super::Setup;
use anyhow::{Context, Result};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};

const DEMO_HTML: &str = include_str!("../../widget/demo.html");

pub async fn run(setup: &Setup, port: u16) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the demo page"))?;
    let demo_addr = listener.local_addr()?;
    let demo_origin = format!("http://{demo_addr}");

    let app = deskbell::Deskbell::start(&setup.config, &setup.data_dir).await?;
    let inbox = app.inbox().clone();
    let existing = inbox.sites().await?;
    let site = match existing
        .into_iter()
        .find(|s| s.origins.contains(&demo_origin))
    {
        Some(s) => s,
        None => {
            inbox
                .add_site(
                    &format!("Demo page ({demo_addr})"),
                    std::slice::from_ref(&demo_origin),
                )
                .await?
        }
    };
    let endpoint = format!("http://{}", app.intake_addr());
    // The widget's "email it instead" writes to the support address, whose mail may start a
    // ticket; without an owner there is none and the widget offers no email.
    let support = setup.config.support_address().unwrap_or_default();
    let page = DEMO_HTML
        .replace("{{BOT_TOKEN}}", &site.bot_token)
        .replace("{{ENDPOINT}}", &endpoint)
        .replace("{{SUPPORT_EMAIL}}", &support);
    let router = Router::new()
        .route(
            "/",
            get(move || {
                let page = page.clone();
                async move { ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response() }
            }),
        )
        // The page loads the widget from its own origin (as a site hosting its own copy would);
        // the widget still posts to the intake listener, cross-origin, as in real life.
        .route(
            "/widget.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    deskbell::intake::WIDGET_JS,
                )
            }),
        );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = deskbell::intake::listen::Limits::from_config(&setup.config.intake);
    let server = tokio::spawn(deskbell::intake::listen::serve(
        listener,
        router,
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    let banner = format!(
        "Deskbell is listening on {endpoint}\nDemo page: {demo_origin}/\nData: {}\n",
        setup.data_dir.display()
    );
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    drop(out);

    super::serve::shutdown_signal().await;
    let _ = stop.send(());
    let _ = server.await;
    app.stop().await;
    Ok(())
}
