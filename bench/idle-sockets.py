#!/usr/bin/env python3
"""Issue 13 item 5's reproduction: hold N sockets open on `onward serve` without
sending a byte (slowloris), then time GET /healthz while they are held.

    python3 bench/idle-sockets.py http://127.0.0.1:8080 1100 [health checks]

Prints how many sockets connected, each health check's status and time, and
how many of the idle sockets the server had closed by the end. No third-party
modules: it is run beside a release build on a bare machine.
"""
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def main() -> None:
    base = sys.argv[1].rstrip("/")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1100
    checks = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    url = urllib.parse.urlparse(base)
    address = (url.hostname, url.port or 80)
    idle, refused = [], 0
    started = time.monotonic()
    for _ in range(count):
        try:
            idle.append(socket.create_connection(address, timeout=5))
        except OSError:
            refused += 1
    print(f"{len(idle)} idle sockets open, {refused} failed to connect, in {time.monotonic() - started:.2f} s")
    for check in range(checks):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        except OSError as err:
            status = f"no answer ({err})"
        print(f"health check {check + 1}: {status} after {time.monotonic() - started:.2f} s")
        time.sleep(1)
    closed = 0
    for sock in idle:
        sock.setblocking(False)
        try:
            if sock.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(f"{closed} of {len(idle)} idle sockets closed by the server")


if __name__ == "__main__":
    main()
