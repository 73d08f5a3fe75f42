//! `deskbell site add|list|edit|rotate-token|remove|widget`.

use super::output::{print_json, table};
use super::Setup;
use anyhow::Result;
use clap::Subcommand;
use deskbell::domain::Site;
use deskbell::inbox::{widget_snippet, SiteChange};
use std::path::PathBuf;

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
    /// Rename a website or replace its allowed origins (its bot token stays).
    Edit {
        name: String,
        /// The new name.
        #[arg(long, value_name = "NEW")]
        rename: Option<String>,
        /// Replaces the allowed origins with these (repeatable).
        #[arg(long = "origin", value_name = "URL")]
        origins: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Give a website a new bot token; the old one is refused at once. Prints the new snippet.
    RotateToken {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a website; its token is refused at once, its tickets stay.
    Remove {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Write widget.js and a snippet that loads it from your own site, so the widget shows
    /// (and offers email instead) even when this computer sleeps.
    Widget {
        name: String,
        /// The folder to write widget.js and snippet.html into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Where you will upload widget.js: a path on your site or a full URL.
        #[arg(long, value_name = "URL", default_value = deskbell::inbox::SELF_HOSTED_SRC)]
        src: String,
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

/// The lines `site add` and `site rotate-token` print: origins, token and the snippet.
fn print_token_and_snippet(setup: &Setup, site: &Site) {
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
            print_token_and_snippet(setup, &site);
        }
        SiteCommand::Edit {
            name,
            rename,
            origins,
            json,
        } => {
            let change = SiteChange {
                rename,
                origins: (!origins.is_empty()).then_some(origins),
            };
            let site = inbox.edit_site(&name, change).await?;
            if json {
                return print_json(&site_json(setup, &site));
            }
            println!("Site {:?} saved.", site.name);
            println!("Allowed origins: {}", site.origins.join(", "));
        }
        SiteCommand::RotateToken { name, json } => {
            let site = inbox.rotate_site_token(&name).await?;
            if json {
                return print_json(&site_json(setup, &site));
            }
            println!(
                "Site {:?} has a new bot token; the old one is refused from now on.",
                site.name
            );
            print_token_and_snippet(setup, &site);
        }
        SiteCommand::Remove { name, json } => {
            let site = inbox.remove_site(&name).await?;
            if json {
                return print_json(&serde_json::json!({ "removed": site.name }));
            }
            println!(
                "Site {:?} removed; its token is refused from now on. Its tickets stay.",
                site.name
            );
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
        SiteCommand::Widget { name, out, src } => {
            deskbell::inbox::check_script_src(&src)?;
            let site = inbox.site_named(&name).await?;
            let snippet = deskbell::inbox::widget_snippet_self_hosted(
                &src,
                &public_url(setup),
                &site.bot_token,
                setup.config.support_address().as_deref(),
            );
            let files = deskbell::inbox::write_widget_files(&out, &snippet)?;
            println!("Wrote {}", files.widget_js.display());
            println!("Wrote {}", files.snippet_html.display());
            println!();
            println!(
                "Upload widget.js to your website so it is served at {}, then paste this into \
                 your website's HTML, just before </body> (instead of the snippet from \
                 `site add`):",
                deskbell::inbox::script_address(&src)
            );
            println!();
            println!("  {snippet}");
            println!();
            println!(
                "The widget then shows even when this computer is off; while Deskbell cannot \
                 be reached it offers visitors to email you instead."
            );
            if setup.config.support_address().is_none() {
                println!(
                    "Note: neither owner.email nor mail.support_address is set, so the widget \
                     cannot offer email."
                );
            }
            if setup.config.intake.public_url.is_none() {
                println!(
                    "Note: intake.public_url is not set, so the snippet sends tickets to this \
                     computer ({}). Set it to your tunnel's https address.",
                    setup.config.intake.listen
                );
            }
        }
    }
    Ok(())
}
