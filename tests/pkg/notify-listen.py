#!/usr/bin/env python3
"""notify-listen.py SOCKET CACHE OUT: a stand-in for systemd's notify
socket. Every datagram is appended to OUT as one line per assignment,
each READY=1 followed by "cache-existed=yes|no" (was CACHE a file when
READY arrived?). Runs until killed."""
import os
import socket
import sys

path, cache, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "a", buffering=1) as f:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        for line in msg.split("\n"):
            if not line:
                continue
            f.write(line + "\n")
            if line == "READY=1":
                f.write("cache-existed=%s\n" % ("yes" if os.path.isfile(cache) else "no"))
