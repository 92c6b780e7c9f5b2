#!/usr/bin/python3
# The lab driver, inside the guest (started by lab-driver.service from the 9p share). It runs what the host
# asks, one JSON line per request over the virtio-serial port "lab", and answers one JSON line per request:
#   {"id": 7, "cmd": ["systemctl", "is-active", "aimlockd"], "input": "...", "timeout": 30}
#     -> {"id": 7, "code": 0, "stdout": "active\n", "stderr": "", "ms": 41}
#   {"id": 8, "cmd": [...], "detach": true, "log": "/mnt/lab/out/holder.log"}
#     -> {"id": 8, "pid": 1234}        (runs on in its own session: a lock holder, a hung writer)
# Requests run concurrently (a thread each), so a slow command never delays the host's other checks.
# It greets the host on every start with {"hello": {...}}: after a reboot the host learns the new boot id.
# Standard library only: the board has python3-minimal.
import json
import os
import subprocess
import threading
import time

PORT = "/dev/virtio-ports/lab"

while not os.path.exists(PORT):
    time.sleep(0.05)
fd = os.open(PORT, os.O_RDWR)
out_lock = threading.Lock()


def send(obj):
    data = (json.dumps(obj) + "\n").encode()
    with out_lock:
        while data:
            data = data[os.write(fd, data):]


def read_text(path):
    with open(path) as f:
        return f.read().strip()


def handle(req):
    t0 = time.monotonic()
    rid = req.get("id")
    try:
        if req.get("detach"):
            log = open(req.get("log", "/dev/null"), "ab")
            p = subprocess.Popen(req["cmd"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                 start_new_session=True, env=req.get("env"))
            log.close()
            send({"id": rid, "pid": p.pid})
            # Reap it when it ends so that it never lingers as a zombie the scenarios would see as alive.
            threading.Thread(target=p.wait, daemon=True).start()
            return
        p = subprocess.run(req["cmd"], input=req.get("input", "").encode(), capture_output=True,
                           timeout=req.get("timeout"), env=req.get("env"))
        send({"id": rid, "code": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
              "stderr": p.stderr.decode("utf-8", "replace"), "ms": round((time.monotonic() - t0) * 1000)})
    except subprocess.TimeoutExpired as e:
        send({"id": rid, "code": None, "error": "timeout after %ss" % req.get("timeout"),
              "stdout": (e.stdout or b"").decode("utf-8", "replace"),
              "stderr": (e.stderr or b"").decode("utf-8", "replace")})
    except Exception as e:  # an unknown program, a bad request: the host gets the reason, the driver lives on
        send({"id": rid, "code": None, "error": "%s: %s" % (type(e).__name__, e)})


def hello():
    send({"hello": {"boot_id": read_text("/proc/sys/kernel/random/boot_id"), "pid": os.getpid(),
                    "uptime_s": float(read_text("/proc/uptime").split()[0])}})


# Greet at start, and again whenever asked ({"hello": true}): a host that connected late missed the first.
hello()
buf = b""
while True:
    chunk = os.read(fd, 65536)
    if not chunk:
        # The host side is not connected (or went away): wait for it rather than spin.
        time.sleep(0.1)
        continue
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        if line.strip():
            try:
                req = json.loads(line)
            except ValueError:
                send({"error": "not JSON: %r" % line[:80]})
                continue
            if req.get("hello"):
                hello()
                continue
            threading.Thread(target=handle, args=(req,), daemon=True).start()
