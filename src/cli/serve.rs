//! `deskbell serve`: everything but the window. Stops on SIGINT/SIGTERM after in-flight
//! requests have been answered.

use super::Setup;
use anyhow::Result;
use std::io::Write;

pub async fn run(setup: &Setup) -> Result<()> {
    let app = deskbell::Deskbell::start(&setup.config, &setup.data_dir).await?;
    let mut events = app.subscribe();
    // One line on stdout that scripts and tests can wait for. A closed stdout (the reader
    // went away) must not stop the server, so write errors are ignored.
    let banner = format!(
        "Deskbell is listening on http://{}\nData: {}\n",
        app.intake_addr(),
        setup.data_dir.display()
    );
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    drop(out);
    let logger = tokio::spawn(async move {
        while let Ok(e) = events.recv().await {
            tracing::info!(event = %serde_json::to_string(&e).unwrap_or_default(), "event");
        }
    });
    shutdown_signal().await;
    tracing::info!("stopping: finishing requests in flight");
    app.stop().await;
    logger.abort();
    tracing::info!("stopped");
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
