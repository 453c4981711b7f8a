#!/usr/bin/env python3
"""smtp.py IP FROM TO...: submit one test message to IP:25 over SMTP.

Prints "RCPT <to> CODE" per recipient and "DATA CODE" (or "DATA none" when
no recipient was accepted). The Subject and body carry $RT_SUBJ so a test
can find the message in a Maildir. Exit 0 when the server answered."""
import os, smtplib, sys

ip, sender, rcpts = sys.argv[1], sys.argv[2], sys.argv[3:]
subj = os.environ.get("RT_SUBJ", "hcoop routes test")
s = smtplib.SMTP(ip, 25, timeout=10)
s.ehlo("client.test")
code, _ = s.mail(sender)
if code != 250:
    print("MAIL %d" % code)
    sys.exit(1)
ok = 0
for r in rcpts:
    code, msg = s.rcpt(r)
    print("RCPT %s %d %s" % (r, code, msg.decode(errors="replace")))
    ok += code == 250
if ok:
    body = "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s\r\n" % (
        sender, ", ".join(rcpts), subj, subj)
    code, _ = s.data(body)
    print("DATA %d" % code)
else:
    print("DATA none")
s.quit()
