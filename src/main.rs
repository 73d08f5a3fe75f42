//! The `deskbell` command line: the headless front end (servers, scripts, tests). It parses
//! arguments, loads the config and calls the core's use cases; it holds no logic of its own.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
