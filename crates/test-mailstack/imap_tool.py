#!/usr/bin/env python3
"""Test helper for the test mail stack over IMAPS (its CA trusted).
  imap_tool.py append HOST PORT CA USER PASSWORD FOLDER FILE   store FILE in FOLDER
  imap_tool.py flags  HOST PORT CA USER PASSWORD FOLDER        JSON list of each message's flags
"""
import imaplib, json, ssl, sys

cmd, host, port, ca, user, password, folder = sys.argv[1:8]
ctx = ssl.create_default_context(cafile=ca)
with imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx, timeout=10) as m:
    m.login(user, password)
    if cmd == "append":
        with open(sys.argv[8], "rb") as f:
            data = f.read()
        typ, resp = m.append(folder, None, None, data)
        if typ != "OK":
            sys.exit(f"append failed: {resp}")
    elif cmd == "flags":
        m.select(folder, readonly=True)
        _, data = m.uid("SEARCH", None, "ALL")
        out = []
        for uid in data[0].split():
            _, parts = m.uid("FETCH", uid, "(FLAGS)")
            out.append(parts[0].decode())
        print(json.dumps(out))
    else:
        sys.exit(f"unknown command {cmd}")
