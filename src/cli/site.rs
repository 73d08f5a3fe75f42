//! `deskbell site add|list`.

use super::output::{print_json, table};
use super::Setup;
use anyhow::Result;
use clap::Subcommand;
use deskbell::domain::Site;
use deskbell::inbox::widget_snippet;

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Register a website; prints its bot token and the widget snippet to paste.
    Add {
        name: String,
        /// An origin allowed to post, e.g. https://shop.example (repeatable).
        #[arg(long = "origin", value_name = "URL", required = true)]
        origins: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// List registered websites.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn public_url(setup: &Setup) -> String {
    setup
        .config
        .intake
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", setup.config.intake.listen))
}

fn site_json(setup: &Setup, s: &Site) -> serde_json::Value {
    serde_json::json!({
        "name": s.name,
        "bot_token": s.bot_token,
        "origins": s.origins,
        "snippet": widget_snippet(
            &public_url(setup),
            &s.bot_token,
            setup.config.support_address().as_deref()
        ),
        "created_at": s.created_at,
    })
}

pub async fn run(setup: &Setup, cmd: SiteCommand) -> Result<()> {
    let inbox = super::inbox(setup)?;
    match cmd {
        SiteCommand::Add {
            name,
            origins,
            json,
        } => {
            let site = inbox.add_site(&name, &origins).await?;
            if json {
                return print_json(&site_json(setup, &site));
            }
            println!("Site {:?} registered.", site.name);
            println!("Allowed origins: {}", site.origins.join(", "));
            println!("Bot token:       {}", site.bot_token);
            println!();
            println!("Paste this into your website's HTML, just before </body>:");
            println!();
            println!(
                "  {}",
                widget_snippet(
                    &public_url(setup),
                    &site.bot_token,
                    setup.config.support_address().as_deref()
                )
            );
            if setup.config.intake.public_url.is_none() {
                println!();
                println!(
                    "Note: intake.public_url is not set, so the snippet points at this computer \
                     ({}). Set it to your tunnel's https address so visitors can reach you.",
                    setup.config.intake.listen
                );
            }
        }
        SiteCommand::List { json } => {
            let sites = inbox.sites().await?;
            if json {
                let all: Vec<_> = sites.iter().map(|s| site_json(setup, s)).collect();
                return print_json(&all);
            }
            if sites.is_empty() {
                println!(
                    "No sites yet. Add one with: deskbell site add NAME --origin https://your.site"
                );
                return Ok(());
            }
            let rows: Vec<Vec<String>> = sites
                .iter()
                .map(|s| vec![s.name.clone(), s.origins.join(" "), s.bot_token.clone()])
                .collect();
            print!("{}", table(&["NAME", "ORIGINS", "BOT TOKEN"], &rows, 60));
        }
    }
    Ok(())
}
