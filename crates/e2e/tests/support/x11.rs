//! Closing the app's window the way a window manager does: a WM_DELETE_WINDOW client message
//! to the toplevel named "Deskbell" (GTK turns it into a close request; no WM runs in Xvfb).
#![allow(dead_code)]

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, Window};

/// Sends the close request; returns how many windows got it.
pub fn close_window(display: &str, title: &str) -> usize {
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to X");
    let root = conn.setup().roots[screen].root;
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
    let mut sent = 0;
    for w in windows_named(&conn, root, title) {
        let event = ClientMessageEvent::new(32, w, protocols, [delete, 0, 0, 0, 0]);
        conn.send_event(false, w, EventMask::NO_EVENT, event)
            .unwrap();
        sent += 1;
    }
    conn.flush().unwrap();
    sent
}

/// How many windows named `title` exist (0 once the window is destroyed).
pub fn count_windows(display: &str, title: &str) -> usize {
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to X");
    let root = conn.setup().roots[screen].root;
    windows_named(&conn, root, title).len()
}

fn windows_named(conn: &impl Connection, root: Window, title: &str) -> Vec<Window> {
    let Ok(tree) = conn.query_tree(root).unwrap().reply() else {
        return Vec::new();
    };
    tree.children
        .into_iter()
        .filter(|&w| {
            conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|p| p.value == title.as_bytes())
        })
        .collect()
}
