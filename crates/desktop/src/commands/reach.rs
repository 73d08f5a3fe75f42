//! "Check" next to the public address: does it reach this Deskbell ([`deskbell::reach`])?

use super::Result;
use crate::Host;
use deskbell::reach::{self, ReachKey, ReachReport};
use deskbell_wire::ApiError;

/// Checks `url` (the address as typed in the form), else the saved `intake.public_url`.
pub async fn check_public_url(host: &impl Host, url: Option<String>) -> Result<ReachReport> {
    let core = host.core();
    let url = url
        .filter(|u| !u.trim().is_empty())
        .or(core.config().intake.public_url);
    let key = ReachKey::load(core.data_dir()).map_err(|_| {
        ApiError::new(
            "install_key",
            "cannot read the install key in the data folder",
        )
    })?;
    let random = deskbell::random::OsRandom;
    let result = reach::check_public_url(url.as_deref(), &key, &random, reach::REACH_TIMEOUT).await;
    Ok(ReachReport::new(url.as_deref(), &result))
}
