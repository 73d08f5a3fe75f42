//! `deskbell doctor`: the config, the owner, the SMTP and IMAP logins, and the public address
//! (does `intake.public_url` reach this Deskbell? [`deskbell::reach`]), each on one line in
//! plain words. The public address is checked even when mail is not set up; any failed check
//! fails the command. An unset public address is a note, not a failure: a local trial needs none.

use super::Setup;
use anyhow::{anyhow, bail, Context, Result};
use deskbell::reach::{self, ReachKey};
use std::io::Write;

pub async fn run(setup: &Setup) -> Result<()> {
    println!("Config:   ok");
    println!("Data dir: {}", setup.data_dir.display());
    let mail = mail(setup).await;
    let public = public(setup).await;
    match (mail, public) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(m), Err(p)) => Err(anyhow!("{m:#}; and {p:#}")),
    }
}

/// The owner, then the SMTP and IMAP logins.
async fn mail(setup: &Setup) -> Result<()> {
    let Some(owner) = &setup.config.owner.email else {
        bail!("owner.email is not set: Deskbell does not know where to send notifications");
    };
    println!("Owner:    {owner}");
    let smtp_result = match deskbell::mail::smtp::Smtp::new(&setup.config.smtp, Some(owner)) {
        Ok(smtp) => {
            print!("SMTP:     {} … ", smtp.server());
            let _ = std::io::stdout().flush();
            let r = smtp.check().await;
            match &r {
                Ok(()) => println!("logged in"),
                Err(e) => println!("FAILED: {e}"),
            }
            r
        }
        Err(e) => {
            println!("SMTP:     {e}");
            Err(e)
        }
    };
    let imap = &setup.config.imap;
    let imap_result = if imap.host.is_none() && imap.preset.is_none() {
        println!("IMAP:     not configured (set imap.host or imap.preset to read replies)");
        Ok(())
    } else {
        check_imap(imap, owner).await
    };
    match (smtp_result, imap_result) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), _) => bail!("{e}"),
        (_, Err(e)) => bail!("{e}"),
    }
}

async fn check_imap(account: &deskbell::config::Account, owner: &str) -> Result<()> {
    let target = deskbell::mail::imap::Target::from_account(account, Some(owner))?;
    print!("IMAP:     {} … ", target.server());
    let _ = std::io::stdout().flush();
    match deskbell::mail::imap::sync::check(&target).await {
        Ok((count, sent)) => {
            println!(
                "logged in; INBOX holds {count} message(s); sent mail: {}",
                sent.as_deref()
                    .unwrap_or("no \\Sent folder (replies sent from other apps are not read)")
            );
            Ok(())
        }
        Err(e) => {
            println!("FAILED: {e}");
            Err(e.into())
        }
    }
}

/// The public address, through whatever forwards it, back to this install's listener.
async fn public(setup: &Setup) -> Result<()> {
    let Some(url) = setup.config.intake.public_url.as_deref() else {
        println!(
            "Public:   not set (intake.public_url): the widget snippet points at this computer \
             (http://{}), and visitors on the internet cannot reach it. Run a tunnel to it and \
             set intake.public_url to the tunnel's https address",
            setup.config.listen_addr()
        );
        return Ok(());
    };
    let key = ReachKey::load(&setup.data_dir).with_context(|| {
        format!(
            "cannot read the install key in {}",
            setup.data_dir.display()
        )
    })?;
    let result = reach::check_public_url(
        Some(url),
        &key,
        &deskbell::random::OsRandom,
        reach::REACH_TIMEOUT,
    )
    .await;
    match result {
        Ok(reached) => {
            println!("Public:   {reached}");
            Ok(())
        }
        Err(e) => {
            println!("Public:   {url}: FAILED: {e}");
            bail!("the public address {url} does not reach this Deskbell: {e}")
        }
    }
}
