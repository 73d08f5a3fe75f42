#!/usr/bin/env python3
"""Test helper: print every message in a mailbox folder as JSON [hex of raw, ...], read over
IMAPS from the test mail stack with its CA trusted. Read-only (EXAMINE + BODY.PEEK).
Usage: imap_dump.py HOST PORT CA USER PASSWORD [FOLDER]"""
import imaplib, json, ssl, sys

host, port, ca, user, password = sys.argv[1:6]
folder = sys.argv[6] if len(sys.argv) > 6 else "INBOX"
ctx = ssl.create_default_context(cafile=ca)
with imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx, timeout=10) as m:
    m.login(user, password)
    m.select(folder, readonly=True)
    _, data = m.uid("SEARCH", None, "ALL")
    out = []
    for uid in data[0].split():
        _, parts = m.uid("FETCH", uid, "(BODY.PEEK[])")
        out.append(parts[0][1].hex())
    print(json.dumps(out))
