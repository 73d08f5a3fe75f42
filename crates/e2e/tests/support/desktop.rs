//! A private desktop session for the e2e tests and the footprint bench: Xvfb, a session bus,
//! the dunst notification daemon, dbus-monitor recording every Notify call, tauri-driver and,
//! on request, a tray host (tray_host.py). Everything is started here (nothing global is
//! touched: programs get a private HOME) and killed on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Desktop {
    pub display: String,
    pub bus: String,
    pub dir: PathBuf,
    children: Vec<Child>,
    /// Process groups to kill at the end (tauri-driver's).
    groups: Vec<u32>,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < within,
            "{what} did not come up within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn log_file(dir: &Path, name: &str) -> Stdio {
    Stdio::from(std::fs::File::create(dir.join(name)).unwrap())
}

impl Desktop {
    pub fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir.join("home")).unwrap();
        let mut children = Vec::new();
        let n = (90..400)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .expect("a free X display number");
        let display = format!(":{n}");
        children.push(
            Command::new("Xvfb")
                .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(log_file(dir, "xvfb.log"))
                .spawn()
                .expect("Xvfb (Debian xvfb)"),
        );
        let socket = format!("/tmp/.X11-unix/X{n}");
        wait_for("Xvfb", Duration::from_secs(10), || {
            Path::new(&socket).exists()
        });

        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(log_file(dir, "dbus.log"))
            .spawn()
            .expect("dbus-daemon (Debian dbus)");
        let mut address = String::new();
        let mut out = BufReader::new(bus.stdout.take().unwrap());
        out.read_line(&mut address).unwrap();
        // Keep the pipe open: services the bus starts inherit it and must not get SIGPIPE.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        children.push(bus);
        let bus = address.trim().to_string();
        assert!(!bus.is_empty(), "dbus-daemon printed no address");

        let mut me = Self {
            display,
            bus,
            dir: dir.to_path_buf(),
            children,
            groups: Vec::new(),
        };
        let dunst = me
            .command("dunst")
            .stdout(Stdio::null())
            .stderr(log_file(dir, "dunst.log"))
            .spawn()
            .expect("dunst (Debian dunst)");
        me.children.push(dunst);
        let monitor = me
            .command("dbus-monitor")
            .args(["--address", &me.bus.clone()])
            .arg("type='method_call',interface='org.freedesktop.Notifications',member='Notify'")
            .stdout(log_file(dir, "notifications.log"))
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (Debian dbus)");
        me.children.push(monitor);
        me.wait_for_name("dunst", "org.freedesktop.Notifications");
        me
    }

    /// A command that runs inside this desktop (display + session bus + private HOME).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env("HOME", self.home())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env_remove("WAYLAND_DISPLAY")
            // No accessibility bus in this session: GTK must not wait for one.
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null());
        c
    }

    /// Waits until `name` has an owner on this desktop's session bus.
    fn wait_for_name(&self, what: &str, name: &str) {
        let (bus, name) = (format!("--bus={}", self.bus), format!("string:{name}"));
        wait_for(
            &format!("{what} on the session bus"),
            Duration::from_secs(10),
            || {
                Command::new("dbus-send")
                    .args([
                        bus.as_str(),
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        name.as_str(),
                    ])
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
            },
        );
    }

    /// The HOME programs in this desktop see (start at login writes below it).
    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    /// Starts a tray host (a StatusNotifierWatcher that records tray icons and can read and
    /// click their menus), like a desktop panel. Start it before the app.
    pub fn start_tray_host(&mut self) {
        let child = self
            .command("/usr/bin/python3")
            .arg(tray_host())
            .arg("watch")
            .arg(self.dir.join("tray-items"))
            .stdout(Stdio::null())
            .stderr(log_file(&self.dir, "tray-host.log"))
            .spawn()
            .expect("python3 with python3-dbus and python3-gi (scripts/install-test-deps)");
        self.children.push(child);
        self.wait_for_name("the tray host", "org.kde.StatusNotifierWatcher");
    }

    /// The newest tray icon's menu, as the tray host reads it (None before one registered).
    pub fn tray_menu(&self) -> Option<serde_json::Value> {
        let out = self
            .command("/usr/bin/python3")
            .arg(tray_host())
            .arg("menu")
            .arg(self.dir.join("tray-items"))
            .output()
            .ok()?;
        serde_json::from_slice(&out.stdout).ok()
    }

    /// Clicks the tray menu entry whose label starts with `label`, as a user would.
    pub fn tray_click(&self, label: &str) {
        self.tray_host(&["click", label]);
    }

    /// Clicks the tray icon itself.
    pub fn tray_activate(&self) {
        self.tray_host(&["activate"]);
    }

    fn tray_host(&self, args: &[&str]) {
        let out = self
            .command("/usr/bin/python3")
            .arg(tray_host())
            .arg(args[0])
            .arg(self.dir.join("tray-items"))
            .args(&args[1..])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tray {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts tauri-driver on a free port; returns its base URL.
    pub fn start_driver(&mut self) -> String {
        let port = free_port();
        let native = free_port();
        let driver = self
            .command(driver_path())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .stdout(log_file(&self.dir, "tauri-driver.log"))
            .stderr(log_file(&self.dir, "app.log"))
            // Its own process group: WebKitWebDriver and the app it launched go with it.
            .process_group(0)
            .spawn()
            .expect("tauri-driver (cargo install tauri-driver --version '^2' --locked)");
        self.groups.push(driver.id());
        self.children.push(driver);
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        wait_for("tauri-driver", Duration::from_secs(20), || {
            reqwest::blocking::get(&status).is_ok_and(|r| r.status().is_success())
        });
        url
    }

    /// Every Notify call recorded so far (dbus-monitor's text).
    pub fn notifications(&self) -> String {
        std::fs::read_to_string(self.dir.join("notifications.log")).unwrap_or_default()
    }

    /// The app's own log (its stderr, through tauri-driver).
    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("app.log")).unwrap_or_default()
    }
}

fn tray_host() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tray_host.py")
}

/// The command lines of the running window processes (`deskbell-window …`).
pub fn window_processes() -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args
            .first()
            .is_some_and(|a| a.ends_with("/deskbell-window"))
        {
            found.push(args.join(" "));
        }
    }
    found
}

fn driver_path() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        cargo_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for &group in &self.groups {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .status();
        }
        for c in self.children.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
