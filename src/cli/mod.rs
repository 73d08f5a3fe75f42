//! Argument parsing and dispatch. Command names are a stable surface (README, "Command line":
//! scripts and the tests use them); add to them freely, rename nothing.

mod backup;
mod demo;
mod doctor;
mod mail;
mod output;
mod reply;
mod serve;
mod site;
mod tickets;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use deskbell::Config;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "deskbell",
    version,
    about = "Email-native support inbox: tickets from your website, answered by email",
    long_about = "Email-native support inbox: tickets from your website, answered by email.\n\n\
        The contact widget on your website posts tickets to Deskbell's intake listener; each \
        one is stored, and you are emailed about it. You answer by email or with `deskbell \
        reply`, and the visitor's replies are read from your mailbox over IMAP and threaded \
        back onto the ticket.\n\n\
        `deskbell serve` runs all of it without a window: the intake listener always, sending \
        mail when [smtp] is set, reading replies when [imap] is, and the tunnel when [tunnel] \
        command is. The other commands work on the same data directory beside it."
)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/deskbell/config.toml).
    #[arg(long, global = true, value_name = "FILE", env = "DESKBELL_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (default: $XDG_DATA_HOME/deskbell).
    #[arg(long, global = true, value_name = "DIR", env = "DESKBELL_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run without a window: the intake listener, mail out and in, snoozes, the tunnel.
    ///
    /// Mail out runs when [smtp] is set, mail in when [imap] is, the tunnel when [tunnel]
    /// command is. SIGINT/SIGTERM stop cleanly.
    Serve,
    /// Local trial: `serve` plus a demo shop page with the widget on 127.0.0.1:PORT.
    Demo {
        #[arg(long, default_value_t = 7879)]
        port: u16,
    },
    /// Websites allowed to post tickets.
    #[command(subcommand)]
    Site(site::SiteCommand),
    /// Queue the owner's answer to the visitor (sent by `serve`).
    Reply {
        id: deskbell::domain::TicketId,
        #[arg(long)]
        text: String,
        /// A file to attach (repeatable).
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Mail in: import .eml / .mbox files, or sync once over IMAP.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Check the config, the SMTP and IMAP logins, and that the public address reaches Deskbell.
    Doctor,
    /// List, show and change tickets.
    #[command(subcommand)]
    Tickets(tickets::TicketsCommand),
    /// Block a sender (ana@example.com) or a whole domain (@example.com): their later tickets
    /// and mail are kept as spam and never notify. Tickets already here stay as they are.
    Block {
        address: String,
        #[arg(long)]
        json: bool,
    },
    /// Unblock a sender or domain.
    Unblock {
        address: String,
        #[arg(long)]
        json: bool,
    },
    /// The blocked senders and domains.
    Blocked {
        #[arg(long)]
        json: bool,
    },
    /// Copy everything a restore needs (the tickets, their threads and files, the websites,
    /// the install key) into one file, while Deskbell runs. Passwords stay in the keychain.
    Backup {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into the data directory: it must be empty unless --force, which moves
    /// what is there into a `replaced-…` folder first. Stop Deskbell before restoring.
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Every ticket with its thread as JSON, or one row per ticket as CSV (README, "Export").
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: backup::Format,
        /// Write here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub struct Setup {
    pub config: Config,
    pub data_dir: PathBuf,
}

fn load(cli: &Cli) -> Result<Setup> {
    let launch = deskbell::launch::Launch {
        config_file: cli.config.clone(),
        data_dir: cli.data_dir.clone(),
    };
    let resolved = launch.resolve(std::env::vars())?;
    Ok(Setup {
        config: resolved.config,
        data_dir: resolved.data_dir,
    })
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    deskbell::logging::init("deskbell=info,warn");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("deskbell: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("deskbell: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  because: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let ctx = load(&cli)?;
    match cli.command {
        Command::Serve => serve::run(&ctx).await,
        Command::Demo { port } => demo::run(&ctx, port).await,
        Command::Reply { id, text, attach } => reply::reply(&ctx, id, text, attach).await,
        Command::Doctor => doctor::run(&ctx).await,
        Command::Mail(c) => mail::run(&ctx, c).await,
        Command::Site(c) => site::run(&ctx, c).await,
        Command::Tickets(c) => tickets::run(&ctx, c).await,
        Command::Block { address, json } => tickets::block(&ctx, &address, true, json).await,
        Command::Unblock { address, json } => tickets::block(&ctx, &address, false, json).await,
        Command::Blocked { json } => tickets::blocked(&ctx, json).await,
        Command::Backup { file, json } => backup::backup(&ctx, &file, json),
        Command::Restore { file, force, json } => backup::restore(&ctx, &file, force, json),
        Command::Export { format, out } => backup::export(&ctx, format, out).await,
    }
}

/// The inbox for a one-shot command (no listener).
pub fn inbox(ctx: &Setup) -> Result<deskbell::Inbox> {
    deskbell::app::open_inbox(
        &ctx.config,
        &ctx.data_dir,
        std::sync::Arc::new(deskbell::clock::SystemClock),
    )
    .with_context(|| format!("cannot open the data directory {}", ctx.data_dir.display()))
}
