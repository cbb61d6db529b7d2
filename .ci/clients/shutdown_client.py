#!/usr/bin/env python3
"""Holds a game WebSocket open through a gateway shutdown and reports the close it received.

Usage: shutdown_client.py BASE_URL INTERNAL_TOKEN READY_FILE [--board cipersist]
Connects as player "sid" (subprotocol overtake.v1), subscribes, creates READY_FILE once the
subscription is acknowledged, then waits up to 30 s for the server to close the connection.
Prints "close CODE REASON (after S s)" and exits 0 only when CODE is 1001 (going away).
"""
import argparse
import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from checks import Api


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("internal_token")
    ap.add_argument("ready_file")
    ap.add_argument("--board", default="cipersist")
    a = ap.parse_args()
    token = Api(a.base, a.internal_token).token("sid")
    url = a.base.replace("http://", "ws://", 1) + "/v1/ws?token=" + token
    async with connect(url, subprotocols=["overtake.v1"], open_timeout=10) as ws:
        await ws.send(json.dumps({"type": "subscribe", "board": a.board, "window": "alltime", "scope": "global"}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("type") != "ack":
            print("subscribe failed: %s" % reply)
            return 1
        open(a.ready_file, "w").write("ready\n")
        started = time.monotonic()
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 30)
        except ConnectionClosed:
            pass
        except asyncio.TimeoutError:
            print("no close within 30 s")
            return 1
        close = ws.protocol.close_rcvd
        if close is None:
            print("connection ended without a close frame (after %.2f s)" % (time.monotonic() - started))
            return 1
        print("close %d %s (after %.2f s)" % (close.code, close.reason, time.monotonic() - started))
        return 0 if close.code == 1001 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
