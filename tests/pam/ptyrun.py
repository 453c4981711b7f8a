#!/usr/bin/env python3
"""ptyrun.py SECONDS PASSWORD CMD [ARG...]: run CMD on a new pseudo-terminal
(as su needs), answer each password prompt ("...assword: ") with PASSWORD,
at most 3 times, and print what CMD wrote, then "prompt: TEXT" for each
prompt answered and "exit: N" (N = its exit status, 128+sig if killed, 124
if it outlived SECONDS and was killed). Exit status 0 unless the helper
itself failed."""
import os
import pty
import re
import select
import signal
import sys
import time


def main():
    limit, pw, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(cmd[0], cmd)
    out, prompts, timed_out = b"", [], False
    deadline = time.monotonic() + limit
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not r:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the child side closed
            break
        if not data:
            break
        out += data
        line = out.rsplit(b"\n", 1)[-1].decode(errors="replace")
        if re.search(r"assword: ?$", line) and len(prompts) < 3:
            prompts.append(line.strip())
            os.write(fd, pw.encode() + b"\n")
            out += b"\n"
    _, st = os.waitpid(pid, 0)
    code = 124 if timed_out else (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                                  else 128 + os.WTERMSIG(st))
    sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
    for p in prompts:
        print("prompt: " + p)
    print("exit: %d" % code)


if __name__ == "__main__":
    main()
