//! Saved settings take effect at once: the core is stopped and started again from the saved
//! config (the intake listener, the outbox and the IMAP sync read it when they start). If the
//! new config cannot start (its port is taken, say), the previous one is started again and the
//! error says so: the owner is never left without a running Deskbell.

use crate::dto::ApiError;
use crate::resident::Ctx;
use deskbell::Deskbell;

pub async fn core(app: &Ctx) -> Result<(), ApiError> {
    let state = &app.state;
    let mut config = deskbell::Config::load(Some(&state.config_path), std::env::vars())
        .map_err(|e| ApiError::new("config", format!("cannot read the saved settings: {e}")))?;
    deskbell::secrets::fill_secrets(&mut config, &*state.secrets);
    let previous = state.config();
    if let Some(old) = state.take_core() {
        old.stop().await;
    }
    let (core, config, outcome) = match Deskbell::start(&config, &state.data_dir).await {
        Ok(core) => (core, config, Ok(())),
        Err(e) => {
            let failed = ApiError::new(
                "restart",
                format!("the settings are saved, but Deskbell cannot start with them ({e}); it keeps running with the previous ones"),
            );
            match Deskbell::start(&previous, &state.data_dir).await {
                Ok(core) => (core, previous, Err(failed)),
                Err(e) => {
                    return Err(ApiError::new(
                        "restart",
                        format!("Deskbell cannot start again ({e}); quit and open it"),
                    ))
                }
            }
        }
    };
    tracing::info!(intake = %core.intake_addr(), "core restarted with the saved settings");
    let events = core.subscribe();
    state.install(core, config);
    tokio::spawn(crate::events::forward(app.clone(), events));
    crate::tray::refresh_soon(app);
    outcome
}
