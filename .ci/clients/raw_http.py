#!/usr/bin/env python3
"""Sends raw bytes to 127.0.0.1:PORT and prints the response, for requests curl will not make
(a POST without Content-Length, a request head that never ends, a missing Host).

Usage: raw_http.py PORT REQUEST [--wait SECONDS] [--head FILE] [--body FILE]
  REQUEST is sent as is after unescaping \\r and \\n. The response is read until the server
  closes or --wait seconds pass (default 10). Prints "status=<code> elapsed=<s>" (status 000
  when nothing came); the response head and body go to --head / --body when given.
"""
import argparse
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("request")
    ap.add_argument("--wait", type=float, default=10.0)
    ap.add_argument("--head")
    ap.add_argument("--body")
    a = ap.parse_args()
    data = a.request.replace("\\r", "\r").replace("\\n", "\n").encode()
    s = socket.create_connection(("127.0.0.1", a.port), timeout=a.wait)
    start = time.monotonic()
    s.sendall(data)
    received = b""
    try:
        while time.monotonic() - start < a.wait:
            s.settimeout(max(0.05, a.wait - (time.monotonic() - start)))
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    finally:
        s.close()
    elapsed = time.monotonic() - start
    head, _, body = received.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    status = parts[1].decode() if len(parts) > 1 and parts[0].startswith(b"HTTP/") else "000"
    for path, data in ((a.head, head + b"\r\n"), (a.body, body)):
        if path:
            with open(path, "wb") as f:
                f.write(data)
    print("status=%s elapsed=%.2f" % (status, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
