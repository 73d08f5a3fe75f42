//! Where the programs under test are. The end-to-end tests drive both desktop programs, which
//! live in two other packages (`deskbell-desktop`, `deskbell-window`), so they are found in the
//! target directory this test or bench was built into: build them first with the same profile.
//! For the tests, scripts/build-all does (`cargo test --workspace --no-run` builds every
//! package's programs); for the bench, scripts/build-release.

use std::path::{Path, PathBuf};

/// The built program `name` beside this test's target directory (`target/<profile>/name`).
pub fn program(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test>-<hash> → target/<profile>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("a test binary lives in target/<profile>/deps");
    let program = dir.join(name);
    assert!(
        program.is_file(),
        "{} is not built: run scripts/build-all first (for the bench: scripts/build-release)",
        program.display()
    );
    program
}
