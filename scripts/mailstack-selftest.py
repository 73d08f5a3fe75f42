#!/usr/bin/env python3
"""mailstack-selftest — prove scripts/mailstack works, with Python's stdlib only.

Usage (as root):  python3 scripts/mailstack-selftest.py
Exit status 0 when every check passes; prints timings.

Checks: start (output read through a pipe must not hang: daemons must not
inherit it), submission STARTTLS+AUTH (and no AUTH before STARTTLS), SMTPS,
plain SMTP injection to a plus-address, IMAPS with only the test CA trusted,
IMAP STARTTLS, mail arrival (bounded polling), wrong passwords refused on
IMAP and SMTP (and quickly: no auth penalty), CAPABILITY has IDLE and
SPECIAL-USE, \\Sent exists, IDLE sees new mail, restart-imap (mail queued
while Dovecot is down still arrives), stop-smtp/start-smtp, a second
instance side by side, stop (twice) closes every port, and a stack whose DIR
is deleted stops by itself.
"""

import imaplib
import os
import re
import secrets
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage

HERE = os.path.dirname(os.path.abspath(__file__))
MAILSTACK = os.path.join(HERE, "mailstack")
POLL_LIMIT = 10.0

failures = []
timings = []


def check(cond, what):
    print(f"  {'ok  ' if cond else 'FAIL'} {what}", flush=True)
    if not cond:
        failures.append(what)
    return cond


def ms(*args, timeout=60, expect_fail=False):
    """Run mailstack with output captured through pipes (a daemon that kept
    the pipe open would make this hang until the timeout)."""
    t0 = time.monotonic()
    r = subprocess.run([MAILSTACK, *args], capture_output=True, text=True,
                       timeout=timeout)
    dt = time.monotonic() - t0
    if r.returncode != 0 and not expect_fail:
        print(r.stdout + r.stderr, file=sys.stderr)
    return r, dt


def start(d):
    r, dt = ms("start", d)
    if r.returncode != 0:
        raise SystemExit(f"mailstack start {d} failed")
    env = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    with open(os.path.join(d, "env")) as f:
        check(f.read() == r.stdout, "DIR/env equals the printed lines")
    timings.append(("start", dt))
    return env


def port(env, name):
    return int(env[f"MAILSTACK_{name}_PORT"])


def ports(env):
    return [port(env, n) for n in ("IMAP", "IMAPS", "SUBMISSION", "SMTPS", "SMTP")]


def is_open(p):
    try:
        with socket.create_connection(("127.0.0.1", p), timeout=1):
            return True
    except OSError:
        return False


def ctx(env):
    # with cafile given, only that CA is trusted (no system roots)
    return ssl.create_default_context(cafile=env["MAILSTACK_CA"])


def message(frm, to, subject):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = frm, to, subject
    m["Message-ID"] = f"<{secrets.token_hex(8)}@selftest.invalid>"
    m.set_content(f"body of {subject}\n")
    return m


def imaps(env, user):
    m = imaplib.IMAP4_SSL("127.0.0.1", port(env, "IMAPS"), ssl_context=ctx(env))
    m.login(user, env["MAILSTACK_PASSWORD"])
    return m


def subjects_in_inbox(m):
    m.select("INBOX", readonly=True)
    typ, data = m.search(None, "ALL")
    out = {}
    for num in data[0].split():
        typ, msg = m.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT TO DELIVERED-TO)])")
        hdr = msg[0][1].decode(errors="replace")
        subj = re.search(r"^Subject: (.*)$", hdr, re.M | re.I)
        out[subj.group(1).strip() if subj else ""] = hdr
    return out


def wait_for(m, wanted):
    t0 = time.monotonic()
    while True:
        got = subjects_in_inbox(m)
        if all(w in got for w in wanted) or time.monotonic() - t0 > POLL_LIMIT:
            return got, time.monotonic() - t0
        time.sleep(0.1)


def main():
    if os.geteuid() != 0:
        raise SystemExit("run as root")
    base = tempfile.mkdtemp(prefix="ms.", dir="/tmp")
    os.chmod(base, 0o755)  # mkdtemp makes 0700; postfix/dovecot must get in
    d1, d2, d3 = f"{base}/a", f"{base}/b", f"{base}/c"
    try:
        run(d1, d2, d3)
    finally:
        for d in (d1, d2, d3):
            if os.path.isdir(d):
                subprocess.run([MAILSTACK, "stop", d], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    print("\ntimings:")
    for name, dt in timings:
        print(f"  {name:<28} {dt * 1000:7.0f} ms")
    if failures:
        print(f"\nFAILED ({len(failures)}):")
        for f in failures:
            print(f"  - {f}")
        return 1
    print("\nall checks passed")
    return 0


def run(d1, d2, d3):
    print(f"== start {d1}")
    env = start(d1)
    pw = env["MAILSTACK_PASSWORD"]
    tag = secrets.token_hex(4)
    owner = f"owner-{tag}@example.test"
    plus = f"owner-{tag}+tkt-20261123-0001@example.test"

    print("== submission (STARTTLS required before AUTH)")
    with smtplib.SMTP("127.0.0.1", port(env, "SUBMISSION"), timeout=10) as s:
        s.ehlo()
        check("auth" not in s.esmtp_features, "no AUTH offered before STARTTLS")
        check(s.has_extn("starttls"), "STARTTLS offered")
        try:
            s.sendmail(owner, [owner], message(owner, owner, "x").as_bytes())
            check(False, "unauthenticated plain-text mail refused")
        except smtplib.SMTPException:
            check(True, "unauthenticated plain-text mail refused")
    with smtplib.SMTP("127.0.0.1", port(env, "SUBMISSION"), timeout=10) as s:
        s.starttls(context=ctx(env))
        s.ehlo()
        check("auth" in s.esmtp_features, "AUTH offered after STARTTLS")
        s.login(owner, pw)
        s.send_message(message(owner, owner, "via submission"))
        check(True, "sent via submission")

    print("== smtps (implicit TLS + AUTH)")
    with smtplib.SMTP_SSL("127.0.0.1", port(env, "SMTPS"), context=ctx(env),
                          timeout=10) as s:
        s.login(owner, pw)
        s.send_message(message(owner, owner, "via smtps"))
        check(True, "sent via smtps")

    print("== plain SMTP injection to a plus-address")
    t_send = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port(env, "SMTP"), timeout=10) as s:
        s.send_message(message("Visitor <visitor@example.org>", plus, "via plain smtp"))
        check(True, "injected via plain SMTP, no auth")

    print("== wrong passwords")
    def smtps():
        return smtplib.SMTP_SSL("127.0.0.1", port(env, "SMTPS"), context=ctx(env), timeout=10)

    def submission():
        s = smtplib.SMTP("127.0.0.1", port(env, "SUBMISSION"), timeout=10)
        s.starttls(context=ctx(env))
        return s

    for label, connect in (("SMTPS", smtps), ("submission", submission)):
        s = connect()
        t0 = time.monotonic()
        try:
            s.login(owner, pw + "x")
            check(False, f"{label}: wrong password refused")
        except smtplib.SMTPAuthenticationError as e:
            check(e.smtp_code == 535, f"{label}: wrong password refused ({e.smtp_code})")
        check(time.monotonic() - t0 < 1.0, f"{label}: refusal is quick")
        s.close()
    for attempt in range(3):  # repeated: an auth penalty would grow here
        t0 = time.monotonic()
        m = imaplib.IMAP4_SSL("127.0.0.1", port(env, "IMAPS"), ssl_context=ctx(env))
        try:
            m.login(owner, "wrong-" + str(attempt))
            check(False, "IMAP wrong password refused")
        except imaplib.IMAP4.error as e:
            check("AUTHENTICATIONFAILED" in str(e), f"IMAP wrong password refused ({e})")
        dt = time.monotonic() - t0
        check(dt < 1.0, f"IMAP refusal #{attempt + 1} is quick ({dt * 1000:.0f} ms)")
        m.logout()
    m = imaplib.IMAP4_SSL("127.0.0.1", port(env, "IMAPS"), ssl_context=ctx(env))
    try:
        m.login(owner, "")
        check(False, "IMAP empty password refused")
    except imaplib.IMAP4.error:
        check(True, "IMAP empty password refused")
    m.logout()

    print("== IMAPS: arrival, capabilities, mailboxes")
    t0 = time.monotonic()
    m = imaps(env, owner)
    check(time.monotonic() - t0 < 1.0, "correct login right after failures is quick")
    caps = m.capabilities
    check("IDLE" in caps, "CAPABILITY has IDLE")
    if "SPECIAL-USE" not in caps:  # Dovecot lists it after login
        caps = m.capability()[1][0].decode().upper().split()
    check("SPECIAL-USE" in caps, "CAPABILITY has SPECIAL-USE")
    typ, boxes = m.list()
    boxes = [b.decode() for b in boxes]
    check(any("\\Sent" in b and b.endswith("Sent") for b in boxes), f"\\Sent mailbox exists {boxes}")
    for name in ("Drafts", "Trash", "INBOX"):
        check(any(b.endswith(name) for b in boxes), f"{name} exists")
    wanted = ["via submission", "via smtps", "via plain smtp"]
    got, waited = wait_for(m, wanted)
    timings.append(("delivery (3 msgs visible)", time.monotonic() - t_send))
    for w in wanted:
        check(w in got, f"arrived: {w!r}")
    hdr = got.get("via plain smtp", "")
    check(re.search(r"^(Delivered-To|To): .*" + re.escape(plus), hdr, re.M | re.I) is not None,
          "plus-address kept in Delivered-To/To")
    m.logout()

    print("== IMAP plain port with STARTTLS")
    m = imaplib.IMAP4("127.0.0.1", port(env, "IMAP"))
    check("STARTTLS" in m.capabilities, "STARTTLS offered on IMAP port")
    m.starttls(ssl_context=ctx(env))
    m.login(owner, pw)
    check(True, "login after STARTTLS")
    m.logout()

    print("== IDLE sees new mail")
    m = imaps(env, owner)
    m.select("INBOX")
    tagname = m._new_tag().decode()
    m.send(f"{tagname} IDLE\r\n".encode())
    check(m.readline().startswith(b"+"), "IDLE accepted")
    t0 = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port(env, "SMTP"), timeout=10) as s:
        s.send_message(message("visitor@example.org", owner, "idle ping"))
    m.sock.settimeout(POLL_LIMIT)
    seen = False
    try:
        while not seen:
            line = m.readline()
            if not line:
                break
            seen = b"EXISTS" in line
    except (socket.timeout, OSError):
        pass
    check(seen, "EXISTS pushed during IDLE")
    timings.append(("send -> IDLE EXISTS", time.monotonic() - t0))
    m.send(b"DONE\r\n")
    m.sock.settimeout(10)
    m.logout()

    print("== restart-imap (mail queued while Dovecot restarts still arrives)")
    r, dt = ms("restart-imap", d1)
    check(r.returncode == 0, "restart-imap ok")
    timings.append(("restart-imap", dt))
    with smtplib.SMTP("127.0.0.1", port(env, "SMTP"), timeout=10) as s:
        s.send_message(message("visitor@example.org", owner, "after restart"))
    m = imaps(env, owner)
    got, _ = wait_for(m, ["after restart", "via smtps"])
    check("after restart" in got and "via smtps" in got, "mail kept and new mail arrives after restart-imap")
    m.logout()

    print("== stop-smtp / start-smtp")
    r, dt = ms("stop-smtp", d1)
    check(r.returncode == 0, "stop-smtp ok")
    timings.append(("stop-smtp", dt))
    check(not any(is_open(port(env, n)) for n in ("SMTP", "SUBMISSION", "SMTPS")),
          "SMTP ports closed")
    check(is_open(port(env, "IMAPS")), "IMAP still up")
    try:
        smtplib.SMTP("127.0.0.1", port(env, "SMTP"), timeout=3)
        check(False, "SMTP connection refused while down")
    except OSError:
        check(True, "SMTP connection refused while down")
    r, _ = ms("status", d1, expect_fail=True)
    check(r.returncode == 1 and "postfix: DOWN" in r.stdout, "status reports postfix down (exit 1)")
    r, dt = ms("start-smtp", d1)
    check(r.returncode == 0, "start-smtp ok")
    timings.append(("start-smtp", dt))
    with smtplib.SMTP_SSL("127.0.0.1", port(env, "SMTPS"), context=ctx(env), timeout=10) as s:
        s.login(owner, pw)
        s.send_message(message(owner, owner, "after smtp restart"))
    m = imaps(env, owner)
    got, _ = wait_for(m, ["after smtp restart"])
    check("after smtp restart" in got, "mail flows after start-smtp")
    m.logout()
    r, _ = ms("status", d1)
    check(r.returncode == 0, "status: all up (exit 0)")

    print(f"== second instance side by side: {d2}")
    env2 = start(d2)
    check(not set(ports(env)) & set(ports(env2)), "different ports")
    check(env2["MAILSTACK_PASSWORD"] != pw, "own password")
    with smtplib.SMTP("127.0.0.1", port(env2, "SMTP"), timeout=10) as s:
        s.send_message(message("visitor@example.org", owner, "instance two"))
    m = imaps(env2, owner)
    got, _ = wait_for(m, ["instance two"])
    check(list(got) == ["instance two"], "instance two has only its own mail")
    m.logout()
    m = imaps(env, owner)
    got, _ = wait_for(m, ["via submission"])
    check("instance two" not in got, "instance one unaffected")
    m.logout()

    print("== logs")
    for d in (d1, d2):
        for name in ("dovecot.log", "postfix.log", "dovecot.out", "postfix.out"):
            with open(os.path.join(d, "log", name), errors="replace") as f:
                bad = [ln.rstrip() for ln in f
                       if re.search(r"fatal|panic|error:|warning:", ln, re.I)
                       # the wrong-password checks cause these, on purpose:
                       and "authentication failed" not in ln
                       # a loaded machine: a queue file's time stamp a second ahead of
                       # Postfix's clock (harmless; Postfix resets it itself)
                       and not re.search(r"file system clock is \d+ seconds? ahead"
                                         r"|resetting file time stamps", ln)]
            check(not bad, f"no errors/warnings in {os.path.basename(d)}/log/{name}"
                  + "".join(f"\n        {ln}" for ln in bad[:10]))

    print("== stop both")
    for d, e in ((d1, env), (d2, env2)):
        r, dt = ms("stop", d)
        check(r.returncode == 0, f"stop {os.path.basename(d)}")
        timings.append(("stop", dt))
        closed = [p for p in ports(e) if is_open(p)]
        check(not closed, f"all ports closed {closed or ''}")
        r, _ = ms("stop", d)
        check(r.returncode == 0, "second stop is harmless")

    print(f"== a stack whose DIR is deleted stops by itself: {d3}")
    env3 = start(d3)
    shutil.rmtree(d3)
    t0 = time.monotonic()
    while any(is_open(p) for p in ports(env3)) and time.monotonic() - t0 < 5:
        time.sleep(0.05)
    check(not any(is_open(p) for p in ports(env3)), "ports closed after rm -rf DIR")
    timings.append(("rm -rf DIR -> stopped", time.monotonic() - t0))


if __name__ == "__main__":
    sys.exit(main())
