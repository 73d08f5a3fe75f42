//! `deskbell backup FILE`, `deskbell restore FILE [--force]` and `deskbell export` (README,
//! "Backup, restore and export").

use super::output::print_json;
use super::Setup;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn backup(setup: &Setup, file: &Path, json: bool) -> Result<()> {
    let info = deskbell::backup::backup(&setup.data_dir, file, chrono::Utc::now())?;
    if json {
        return print_json(&info);
    }
    println!(
        "Backed up {} tickets ({} thread entries) and {} websites to {} ({}).",
        info.tickets,
        info.messages,
        info.sites,
        file.display(),
        mb(info.bytes)
    );
    println!("Restore it with: deskbell restore {}", file.display());
    Ok(())
}

pub fn restore(setup: &Setup, file: &Path, force: bool, json: bool) -> Result<()> {
    let done = deskbell::backup::restore(file, &setup.data_dir, force, chrono::Utc::now())?;
    if json {
        return print_json(&done);
    }
    if let Some(aside) = &done.moved_aside {
        println!(
            "What was in the data directory is now in {}.",
            aside.display()
        );
    }
    println!(
        "Restored {} tickets ({} thread entries) and {} websites from the backup of {} into {}.",
        done.backup.tickets,
        done.backup.messages,
        done.backup.sites,
        done.backup.created_at.format("%Y-%m-%d %H:%M UTC"),
        setup.data_dir.display()
    );
    println!("Passwords are not in backups: if this is a new machine, enter them in Settings.");
    Ok(())
}

pub async fn export(setup: &Setup, format: Format, out: Option<PathBuf>) -> Result<()> {
    let inbox = super::inbox(setup)?;
    let export = inbox.export().await?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&export)? + "\n",
        Format::Csv => deskbell::store::export::csv(&export),
    };
    match out {
        Some(path) => {
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Exported {} tickets to {}.",
                export.tickets.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}
