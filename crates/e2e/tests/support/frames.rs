//! A real mouse click at a point of the window (WebDriver actions, hit-tested by the browser),
//! beside webdriver.rs's `Session`: for what is drawn inside the mail's script-less frame,
//! where WebKitWebDriver's element click reaches no document.
#![allow(dead_code)]

use serde_json::{json, Value};

fn post(driver: &str, session: &str, path: &str, body: Value) {
    let v: Value = reqwest::blocking::Client::new()
        .post(format!("{driver}/session/{session}{path}"))
        .json(&body)
        .send()
        .expect("webdriver call")
        .json()
        .unwrap();
    assert!(
        v["value"]["error"].is_null(),
        "{path}: {}",
        v["value"]["message"]
    );
}

/// Clicks at `(x, y)` of the viewport, on whatever is drawn there.
pub fn click_at(driver: &str, session: &str, x: i64, y: i64) {
    let actions = json!({"actions": [{
        "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
        "actions": [
            {"type": "pointerMove", "duration": 0, "origin": "viewport", "x": x, "y": y},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0}
        ]
    }]});
    post(driver, session, "/actions", actions);
    let _ = reqwest::blocking::Client::new()
        .delete(format!("{driver}/session/{session}/actions"))
        .send();
}
