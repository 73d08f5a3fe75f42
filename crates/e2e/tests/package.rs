//! The Debian package as an owner gets it: `apt-get install ./deskbell_….deb`, then Deskbell
//! started the way its menu entry starts it (the entry's own `Exec=` line, default config and
//! data dirs under a private HOME) under Xvfb with a session bus and a tray host like a desktop
//! panel: the window shows, a ticket posted to the installed listener gets 201 and reaches the
//! tray, Quit ends it; then `apt-get purge` removes the programs and leaves the owner's config
//! and data byte for byte.
//!
//! Installs a system package, so it runs only when `DESKBELL_DEB` names the package to test
//! (`scripts/test` builds it with `scripts/package` and sets it; as root or with sudo).

#[path = "support/desktop.rs"]
mod desktop;
#[path = "support/x11.rs"]
mod x11;

use desktop::Desktop;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INSTALLED: [&str; 9] = [
    "/usr/bin/deskbell",
    "/usr/bin/deskbell-desktop",
    "/usr/lib/deskbell/deskbell-desktop",
    "/usr/lib/deskbell/deskbell-window",
    "/usr/share/applications/deskbell.desktop",
    "/usr/share/icons/hicolor/128x128/apps/deskbell.png",
    "/usr/share/icons/hicolor/scalable/apps/deskbell.svg",
    "/usr/lib/systemd/user/deskbell.service",
    "/usr/share/doc/deskbell/copyright",
];

fn wait_for<T>(within: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Runs apt-get (as root, else through sudo) and insists it succeeds.
fn apt_get(args: &[&str]) {
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let mut c = if root {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", "apt-get"]);
        c
    };
    let out = c
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .output()
        .expect("apt-get");
    assert!(
        out.status.success(),
        "apt-get {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", "deskbell"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout) == "install ok installed")
}

/// The installed package, purged at the end even when an assertion fails.
struct Package;

impl Drop for Package {
    fn drop(&mut self) {
        if installed() {
            let _ = Command::new("apt-get")
                .args(["purge", "-y", "-q", "deskbell"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
        }
    }
}

/// The app started by the test: gone with the test, even when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                todo.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// The program and arguments of the menu entry's `Exec=` line (no field codes are used).
fn exec_line(desktop_file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(desktop_file).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .expect("an Exec= line");
    assert!(!line.contains('%'), "unexpected field code in {line:?}");
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn the_package_installs_runs_from_the_menu_entry_and_purges_without_touching_the_data() {
    let Some(deb) = std::env::var_os("DESKBELL_DEB").map(PathBuf::from) else {
        eprintln!("skipped: DESKBELL_DEB is not set (scripts/test builds the package and sets it)");
        return;
    };
    let deb = std::fs::canonicalize(&deb).expect("DESKBELL_DEB names a file");
    if installed() {
        apt_get(&["purge", "-y", "-q", "deskbell"]);
    }
    for path in INSTALLED {
        assert!(
            !Path::new(path).exists(),
            "{path} exists before the install"
        );
    }

    // Install it as an owner would; apt resolves the declared dependencies.
    apt_get(&[
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        deb.to_str().unwrap(),
    ]);
    let _package = Package;
    assert!(installed(), "dpkg does not list deskbell as installed");
    for path in INSTALLED {
        assert!(
            Path::new(path).exists(),
            "the package did not install {path}"
        );
    }
    let status = Command::new("desktop-file-validate")
        .arg("/usr/share/applications/deskbell.desktop")
        .status()
        .expect("desktop-file-validate (Debian desktop-file-utils)");
    assert!(status.success(), "the menu entry does not validate");
    let depends = Command::new("dpkg-query")
        .args(["-W", "-f=${Depends}", "deskbell"])
        .output()
        .unwrap();
    let depends = String::from_utf8_lossy(&depends.stdout).to_string();
    for lib in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libc6"] {
        assert!(depends.contains(lib), "Depends lacks {lib}: {depends}");
    }
    let unit = std::fs::read_to_string("/usr/lib/systemd/user/deskbell.service").unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/deskbell serve"), "{unit}");
    let version = Command::new("/usr/bin/deskbell")
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("deskbell {}", env!("CARGO_PKG_VERSION"))
    );

    // An owner's session: private HOME, so the default config and data dirs are below it.
    let tmp = tempfile::Builder::new().prefix("dbdeb").tempdir().unwrap();
    let mut desk = Desktop::start(&tmp.path().join("desktop"));
    desk.start_tray_host();
    let home = desk.home();
    let config_dir = home.join(".config/deskbell");
    let data_dir = home.join(".local/share/deskbell");
    std::fs::create_dir_all(&config_dir).unwrap();
    let port = desktop::free_port();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[owner]\nemail = \"rosa@shop.test\"\nname = \"Rosa\"\nbusiness = \"Rosa's Bakery\"\n\n\
             [intake]\nlisten = \"127.0.0.1:{port}\"\n\n[mail]\nconfirm_visitor = false\n"
        ),
    )
    .unwrap();
    let site = desk
        .command("/usr/bin/deskbell")
        .args([
            "site",
            "add",
            "Rosa's Bakery",
            "--origin",
            "https://rosa.example",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        site.status.success(),
        "site add: {}",
        String::from_utf8_lossy(&site.stderr)
    );
    let site: serde_json::Value = serde_json::from_slice(&site.stdout).unwrap();
    let token = site["bot_token"].as_str().expect("a bot token").to_string();

    // Started as the menu entry starts it.
    let exec = exec_line("/usr/share/applications/deskbell.desktop");
    let log = std::fs::File::create(tmp.path().join("app.log")).unwrap();
    let mut app = KillOnDrop(
        desk.command(&exec[0])
            .args(&exec[1..])
            .env("PATH", "/usr/bin:/bin")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the menu entry's program"),
    );
    let app_log = || std::fs::read_to_string(tmp.path().join("app.log")).unwrap_or_default();
    let shown = wait_for(Duration::from_secs(60), || {
        (x11::count_windows(&desk.display, "Deskbell") == 1).then_some(())
    });
    assert!(shown.is_some(), "no Deskbell window; log:\n{}", app_log());
    let windows = desktop::window_processes();
    assert!(
        windows
            .iter()
            .any(|w| w.starts_with("/usr/lib/deskbell/deskbell-window")),
        "the window is not the installed program: {windows:?}"
    );
    let labels = |m: &serde_json::Value| -> Vec<String> {
        m["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| i["label"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let tray = wait_for(Duration::from_secs(30), || {
        desk.tray_menu()
            .filter(|m| labels(m).iter().any(|l| l.starts_with("Quit Deskbell")))
    });
    assert!(
        tray.is_some(),
        "no tray icon registered; log:\n{}",
        app_log()
    );

    // A ticket through the installed listener.
    let intake = format!("http://127.0.0.1:{port}");
    let posted = wait_for(Duration::from_secs(30), || {
        reqwest::blocking::Client::new()
            .post(format!("{intake}/tickets/create"))
            .json(&json!({"bot_token": token, "visitor_name": "Ana Lima",
                          "visitor_email": "ana@example.test",
                          "issue": "Is the rye loaf back on Saturday?"}))
            .send()
            .ok()
    })
    .expect("the installed listener answers");
    assert_eq!(posted.status().as_u16(), 201, "the ticket was not taken");
    let counted = wait_for(Duration::from_secs(20), || {
        desk.tray_menu()
            .filter(|m| labels(m).iter().any(|l| l.starts_with("1 ticket waiting")))
    });
    assert!(counted.is_some(), "the tray never counted the ticket");

    // Quit from the tray: everything ends.
    desk.tray_click("Quit Deskbell");
    let quit = wait_for(Duration::from_secs(20), || app.0.try_wait().ok().flatten());
    assert!(quit.is_some_and(|s| s.success()), "Deskbell did not quit");
    let gone = wait_for(Duration::from_secs(20), || {
        desktop::window_processes().is_empty().then_some(())
    });
    assert!(gone.is_some(), "the window outlived Quit");

    // Purge: the programs go, the owner's config and data stay as they were.
    let before = snapshot(&home);
    assert!(
        before.keys().any(|p| p.starts_with(&data_dir)),
        "no data was written under {}",
        data_dir.display()
    );
    apt_get(&["purge", "-y", "-q", "deskbell"]);
    assert!(!installed(), "deskbell is still installed after purge");
    for path in INSTALLED {
        assert!(!Path::new(path).exists(), "{path} is left after purge");
    }
    assert!(
        snapshot(&home) == before,
        "removing the package changed the owner's files"
    );
    // The data is whole: the CLI of the same version (the build's own) still reads the ticket.
    let listed = desk
        .command(deskbell_e2e::program("deskbell"))
        .args(["tickets", "list", "--json"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("Ana Lima"), "the ticket is gone: {listed}");
}
