//! A real reverse proxy on loopback standing in for the owner's tunnel: nginx (Debian's
//! `nginx-light`, installed by scripts/install-test-deps) run in the foreground from a config
//! in its own temp dir (pid, logs and temp files there too), never the system service.
//! Optionally over TLS with a certificate from [`TestCa`] (openssl, in the temp dir).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    dir: tempfile::TempDir,
    pub port: u16,
}

/// Where the proxy sends what it receives, over TLS (certificate and key files) or not.
pub struct Tls<'a> {
    pub cert: &'a Path,
    pub key: &'a Path,
}

fn nginx_bin() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).exists() {
            return p.into();
        }
    }
    panic!("nginx is not installed: run scripts/install-test-deps (package nginx-light)");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A loopback port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    free_port()
}

impl Nginx {
    /// Forwards every request on `http://127.0.0.1:<port>` to `upstream`.
    pub fn proxy_to(upstream: SocketAddr) -> Self {
        Self::start(upstream, None)
    }

    /// Forwards every request on `https://127.0.0.1:<port>` to `upstream`.
    pub fn tls_proxy_to(upstream: SocketAddr, tls: Tls<'_>) -> Self {
        Self::start(upstream, Some(tls))
    }

    fn start(upstream: SocketAddr, tls: Option<Tls<'_>>) -> Self {
        // The free port is found, released, then taken by nginx: retry if another test took it.
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(upstream, tls.as_ref()) {
                Ok(n) => return n,
                Err(e) => last = e,
            }
        }
        panic!("nginx did not start: {last}");
    }

    fn try_start(upstream: SocketAddr, tls: Option<&Tls<'_>>) -> Result<Self, String> {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        let port = free_port();
        let (ssl, certs) = match tls {
            Some(t) => (
                " ssl",
                format!(
                    "ssl_certificate {};\n        ssl_certificate_key {};",
                    t.cert.display(),
                    t.key.display()
                ),
            ),
            None => ("", String::new()),
        };
        let conf = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\nevents {{ worker_connections 64; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {d}/tmp/body;\n\
             proxy_temp_path {d}/tmp/proxy;\n    fastcgi_temp_path {d}/tmp/fastcgi;\n\
             uwsgi_temp_path {d}/tmp/uwsgi;\n    scgi_temp_path {d}/tmp/scgi;\n\
             server {{\n        listen 127.0.0.1:{port}{ssl};\n        server_name localhost;\n\
             {certs}\n        location / {{\n            proxy_pass http://{upstream};\n\
             proxy_set_header Host $host;\n            proxy_connect_timeout 2s;\n\
             }}\n    }}\n}}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut child = Command::new(nginx_bin())
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run nginx: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}): {log}"));
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Self { child, dir, port });
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err("nginx did not listen within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `https://<host>:<port>` (the host as the certificate names it, or not).
    pub fn https_url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.port)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throwaway certificate authority and one server certificate from it (openssl).
pub struct TestCa {
    dir: tempfile::TempDir,
}

impl TestCa {
    /// A CA and a leaf certificate for `san` (e.g. `DNS:localhost`).
    pub fn new(san: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| dir.path().join(f);
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        openssl(
            dir.path(),
            &[
                &["req", "-x509"],
                &ec[..],
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
            ]
            .concat(),
            &["-subj", "/CN=Deskbell reach test CA"],
        );
        openssl(
            dir.path(),
            &[
                &["req"],
                &ec[..],
                &["-keyout", "leaf.key", "-out", "leaf.csr"],
            ]
            .concat(),
            &["-subj", "/CN=deskbell reach test"],
        );
        std::fs::write(
            p("leaf.ext"),
            format!(
                "subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            ),
        )
        .unwrap();
        openssl(
            dir.path(),
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "leaf.pem",
                "-days",
                "2",
                "-extfile",
                "leaf.ext",
            ],
            &[],
        );
        Self { dir }
    }

    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("leaf.pem")
    }

    pub fn key(&self) -> PathBuf {
        self.dir.path().join("leaf.key")
    }

    pub fn tls(&self) -> (PathBuf, PathBuf) {
        (self.cert(), self.key())
    }

    /// A root store trusting only this CA.
    pub fn roots(&self) -> std::sync::Arc<rustls::RootCertStore> {
        use rustls::pki_types::pem::PemObject;
        let pem = std::fs::read(self.dir.path().join("ca.pem")).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.unwrap()).unwrap();
        }
        std::sync::Arc::new(roots)
    }
}

fn openssl(dir: &Path, args: &[&str], subj: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .args(subj)
        .output()
        .expect("openssl is installed (scripts/install-test-deps)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
