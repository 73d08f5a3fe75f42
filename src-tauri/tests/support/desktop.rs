//! A private desktop session for the e2e tests and the footprint bench: Xvfb, a session bus,
//! the dunst notification daemon, dbus-monitor recording every Notify call, and tauri-driver.
//! Everything is started here (nothing global is touched) and killed on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Desktop {
    pub display: String,
    pub bus: String,
    pub dir: PathBuf,
    children: Vec<Child>,
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
        std::fs::create_dir_all(dir).unwrap();
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
        let bus = me.bus.clone();
        wait_for("dunst on the session bus", Duration::from_secs(10), || {
            Command::new("dbus-send")
                .args([
                    &format!("--bus={bus}"),
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.Notifications",
                ])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        });
        me
    }

    /// A command that runs inside this desktop (display + session bus).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env_remove("WAYLAND_DISPLAY")
            // No accessibility bus in this session: GTK must not wait for one.
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null());
        c
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
            .spawn()
            .expect("tauri-driver (cargo install tauri-driver --version '^2' --locked)");
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
        for c in self.children.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
