//! Changing a registered website: rename it, replace its origins, rotate its bot token,
//! remove it. Adding and listing stay beside the other use cases in the parent module.
//!
//! A site is named by its exact name, as the owner typed it at `site add`; an unknown name is
//! answered with the names there are. Removing keeps every ticket of the site (the store's
//! foreign key sets their site to none; they show as from a removed site).

use super::{new_bot_token, normalise_origin, validate, Inbox, InboxError, Result};
use crate::domain::Site;
use crate::store::sites;

/// A site name checked like every single-line field: trimmed, required, at most 100 chars.
pub(super) fn site_name(name: &str) -> Result<String> {
    let mut errors = validate::FieldErrors::new();
    validate::single_line(&mut errors, "name", Some(name), true, 100)
        .ok_or_else(|| InboxError::Invalid(format!("site name {}", errors["name"])))
}

/// What `edit_site` changes; `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct SiteChange {
    pub rename: Option<String>,
    /// Replaces the whole list (normalised like `add_site`'s); at least one.
    pub origins: Option<Vec<String>>,
}

impl Inbox {
    /// Renames `name` and/or replaces its origins. Renaming onto another site's name is a
    /// conflict; the token stays, so the snippet on the website keeps working.
    pub async fn edit_site(&self, name: &str, change: SiteChange) -> Result<Site> {
        let site = self.site_named(name).await?;
        let rename = change.rename.as_deref().map(site_name).transpose()?;
        let origins = match change.origins {
            Some(o) if o.is_empty() => {
                return Err(InboxError::Invalid(
                    "give at least one origin, e.g. https://shop.example".into(),
                ))
            }
            Some(o) => Some(
                o.iter()
                    .map(|o| normalise_origin(o))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        if rename.is_none() && origins.is_none() {
            return Err(InboxError::Invalid(
                "nothing to change: give a new name or origins".into(),
            ));
        }
        Ok(self
            .store
            .write(move |c| sites::update(c, site.id, rename.as_deref(), origins.as_deref()))
            .await?)
    }

    /// Gives `name` a fresh bot token. The old one is refused from the commit on, by a
    /// listener in this process or another (`intake::sites` checks each match in the store).
    pub async fn rotate_site_token(&self, name: &str) -> Result<Site> {
        let site = self.site_named(name).await?;
        let token = new_bot_token(&*self.random);
        Ok(self
            .store
            .write(move |c| sites::set_token(c, site.id, &token))
            .await?)
    }

    /// Removes `name`: its token stops working at once; its tickets and their history stay.
    pub async fn remove_site(&self, name: &str) -> Result<Site> {
        let site = self.site_named(name).await?;
        let id = site.id;
        self.store.write(move |c| sites::delete(c, id)).await?;
        Ok(site)
    }

    /// The site with row id `id` as stored now (the intake's check of a cached match).
    pub async fn site_by_id(&self, id: i64) -> Result<Option<Site>> {
        Ok(self.store.read(move |c| sites::by_id(c, id)).await?)
    }
}
