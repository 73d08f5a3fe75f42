#!/usr/bin/env python3
"""A minimal tray host for the desktop e2e test, on the test's own session bus.

Desktop trays on Linux speak StatusNotifierItem: a watcher (org.kde.StatusNotifierWatcher)
learns of each tray icon, and a host reads the icon's properties and its menu (exported with
com.canonical.dbusmenu) and sends clicks back. Under Xvfb there is no panel to do that, so this
script plays both parts, like a panel would:

  tray_host.py watch STATE_FILE     own the watcher name; append each registered item to
                                    STATE_FILE as "BUS_NAME OBJECT_PATH" (runs until killed)
  tray_host.py menu STATE_FILE      print the newest item's icon, tooltip and menu as JSON:
                                    {"icon": NAME, "pixmap": SHA-1 of the icon's pixels,
                                     "tooltip": TEXT, "items": [{"id", "label", "enabled", "checked"}]}
  tray_host.py activate STATE_FILE  click the icon itself (Activate)
  tray_host.py click STATE_FILE LABEL
                                    send "clicked" to the first menu entry whose label starts
                                    with LABEL (exit 1 if there is none)

Needs Debian's python3-dbus and python3-gi. Talks only to DBUS_SESSION_BUS_ADDRESS.
"""
import hashlib
import json
import sys
import time

import dbus
import dbus.service

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


def watch(state_file):
    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()

    class Watcher(dbus.service.Object):
        def __init__(self):
            super().__init__(bus, "/StatusNotifierWatcher")
            self.items = []

        @dbus.service.method(WATCHER, in_signature="s", sender_keyword="sender")
        def RegisterStatusNotifierItem(self, service, sender=None):
            # Either an object path (the bus name is the caller's) or a bus name.
            if service.startswith("/"):
                name, path = sender, service
            else:
                name, path = service, "/StatusNotifierItem"
            entry = f"{name}{path}"
            self.items.append(entry)
            with open(state_file, "a") as f:
                f.write(f"{name} {path}\n")
            self.StatusNotifierItemRegistered(entry)

        @dbus.service.method(WATCHER, in_signature="s")
        def RegisterStatusNotifierHost(self, service):
            pass

        @dbus.service.signal(WATCHER, signature="s")
        def StatusNotifierItemRegistered(self, service):
            pass

        @dbus.service.signal(WATCHER, signature="")
        def StatusNotifierHostRegistered(self):
            pass

        def props(self):
            return {
                "RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
                "IsStatusNotifierHostRegistered": dbus.Boolean(True),
                "ProtocolVersion": dbus.Int32(0),
            }

        @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
        def Get(self, interface, prop):
            return self.props()[prop]

        @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
        def GetAll(self, interface):
            return self.props()

    watcher = Watcher()
    # Own the name only once the object is there, so an app that sees the name finds it.
    name = dbus.service.BusName(WATCHER, bus)
    watcher.StatusNotifierHostRegistered()
    open(state_file, "a").close()
    GLib.MainLoop().run()
    del name


def newest(state_file):
    with open(state_file) as f:
        lines = [l.split() for l in f if l.strip()]
    if not lines:
        sys.exit("no tray item has registered")
    return lines[-1]


def layout(bus, name, path):
    item = bus.get_object(name, path)
    props = dbus.Interface(item, dbus.PROPERTIES_IFACE)
    menu_path = props.Get(ITEM, "Menu")
    icon = str(props.Get(ITEM, "IconName"))
    pixmaps = props.Get(ITEM, "IconPixmap")
    pixmap = hashlib.sha1(bytes(pixmaps[0][2])).hexdigest() if pixmaps else ""
    # ToolTip: (icon name, icon pixmaps, title, description)
    tooltip = props.Get(ITEM, "ToolTip")
    tooltip = f"{tooltip[2]}: {tooltip[3]}" if tooltip else ""
    menu = dbus.Interface(bus.get_object(name, menu_path), MENU)
    _revision, root = menu.GetLayout(0, -1, dbus.Array([], signature="s"))
    items = []

    def walk(node):
        node_id, props, children = node
        label = props.get("label")
        if label is not None:
            items.append(
                {
                    "id": int(node_id),
                    "label": str(label).replace("_", ""),
                    "enabled": bool(props.get("enabled", True)),
                    "checked": int(props.get("toggle-state", -1)) == 1,
                }
            )
        for child in children:
            walk(child)

    walk(root)
    return {"icon": icon, "pixmap": pixmap, "tooltip": tooltip, "items": items}, menu


def main():
    cmd, state_file = sys.argv[1], sys.argv[2]
    if cmd == "watch":
        return watch(state_file)
    bus = dbus.SessionBus()
    name, path = newest(state_file)
    tree, menu = layout(bus, name, path)
    if cmd == "menu":
        print(json.dumps(tree))
    elif cmd == "activate":
        item = dbus.Interface(bus.get_object(name, path), ITEM)
        item.Activate(dbus.Int32(0), dbus.Int32(0))
    elif cmd == "click":
        wanted = sys.argv[3]
        for item in tree["items"]:
            if item["label"].startswith(wanted):
                menu.Event(item["id"], "clicked", dbus.String("", variant_level=1), dbus.UInt32(int(time.time())))
                print(json.dumps(item))
                return
        sys.exit(f"no menu entry starts with {wanted!r}: {[i['label'] for i in tree['items']]}")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
