//! A small W3C WebDriver client (plain JSON over HTTP) for tauri-driver + WebKitWebDriver:
//! just the calls the desktop e2e and the footprint bench need.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
}

#[derive(Clone)]
pub struct Element(String);

impl Session {
    /// Launches `app` with `args` through the driver at `driver` (e.g. http://127.0.0.1:4444).
    pub fn start(driver: &str, app: &str, args: &[String]) -> Self {
        Self::try_start(driver, app, args, Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like `start`, but gives up after `within` with the reason.
    pub fn try_start(
        driver: &str,
        app: &str,
        args: &[String],
        within: Duration,
    ) -> Result<Self, String> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": app, "args": args}
        }}});
        let v: Value = http
            .post(format!("{driver}/session"))
            .timeout(within)
            .json(&caps)
            .send()
            .map_err(|e| format!("POST /session: {e}"))?
            .json()
            .map_err(|e| format!("POST /session: {e}"))?;
        let id = v["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session: {v}"))?
            .to_string();
        Ok(Self {
            http,
            base: format!("{driver}/session/{id}"),
            id,
        })
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().expect("webdriver call").json().unwrap();
        if let Some(err) = v["value"]["error"].as_str() {
            return json!({"error": err, "message": v["value"]["message"]});
        }
        v["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None)
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str())
                    .map(|s| Element(s.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first element matching `css`, waiting up to `within`.
    pub fn wait(&self, css: &str, within: Duration) -> Element {
        self.wait_until(within, || self.find_all(css).into_iter().next())
            .unwrap_or_else(|| panic!("no element {css} within {within:?}"))
    }

    /// Polls `f` every 100 ms until it returns Some or `within` passes.
    pub fn wait_until<T>(&self, within: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
        let start = Instant::now();
        loop {
            if let Some(t) = f() {
                return Some(t);
            }
            if start.elapsed() > within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn click(&self, e: &Element) {
        let v = self.post(&format!("/element/{}/click", e.0), json!({}));
        assert!(v.get("error").is_none(), "click: {v}");
    }

    /// A click that may miss (the element went stale under it): whether it landed.
    pub fn try_click(&self, e: &Element) -> bool {
        self.post(&format!("/element/{}/click", e.0), json!({}))
            .get("error")
            .is_none()
    }

    pub fn clear(&self, e: &Element) {
        self.post(&format!("/element/{}/clear", e.0), json!({}));
    }

    pub fn type_text(&self, e: &Element, text: &str) {
        let v = self.post(&format!("/element/{}/value", e.0), json!({"text": text}));
        assert!(v.get("error").is_none(), "type: {v}");
    }

    pub fn text(&self, e: &Element) -> String {
        self.get(&format!("/element/{}/text", e.0))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.get(&format!("/element/{}/attribute/{name}", e.0))
            .as_str()
            .map(str::to_string)
    }

    pub fn property(&self, e: &Element, name: &str) -> Value {
        self.get(&format!("/element/{}/property/{name}", e.0))
    }

    /// Runs `script` in the page (for what WebDriver has no verb for, e.g. a `<select>`).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    pub fn element_arg(e: &Element) -> Value {
        json!({ ELEMENT_KEY: e.0 })
    }

    pub fn page_source(&self) -> String {
        self.get("/source").as_str().unwrap_or_default().to_string()
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let v = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap_or_default();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Ends the session (tauri-driver kills the app).
    pub fn end(self) {
        let _ = self.http.delete(&self.base).send();
    }
}
