#!/usr/bin/python3
# killmid.py COMMAND...: run COMMAND with its stdout on a pipe of one page
# that nobody reads until COMMAND blocks writing to it (pipe full), then
# kill -9 it there: a deterministic "killed half-way" for a command that
# prints a line per step. Prints what COMMAND wrote; exits 0 if it was
# killed while blocked, 1 if it ended by itself first.
import fcntl, os, subprocess, sys, time

F_SETPIPE_SZ = 1031
r, w = os.pipe()
fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
killed = False
deadline = time.monotonic() + 60
while p.poll() is None and time.monotonic() < deadline:
    try:
        with open("/proc/%d/syscall" % p.pid) as f:
            call = f.read().split()
    except OSError:
        break
    if call and call[0] == "1" and call[1] == "0x1":  # write(1, ...) blocked
        time.sleep(0.2)
        with open("/proc/%d/syscall" % p.pid) as f:
            if f.read().split()[:2] == ["1", "0x1"]:
                p.kill()
                killed = True
                break
    time.sleep(0.01)
p.wait()
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    sys.stdout.buffer.write(chunk)
sys.exit(0 if killed else 1)
