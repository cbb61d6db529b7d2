#!/usr/bin/env python3
"""WebSocket conformance with a real third-party client: Python `websockets` (17.x, asyncio).

Usage: ws_check.py BASE_URL INTERNAL_TOKEN [--echo PATH] [--max-message-bytes N] [--cafile PEM]
                   [--suite full|tls]
  BASE_URL   http://127.0.0.1:PORT (ws://) or https://127.0.0.1:PORT (wss://, trusting --cafile)
  --suite    full: echo endpoint, limits, auth, close codes and the overtake.v1 game protocol;
             tls: a shorter set for wss:// (handshake, echo, ping, 1009, 401, a notification).
Boards (.ci/test-config.json; they must be empty: a fresh data dir): ci (alltime+daily,
global/region/friends, notify depth 3), ciresume (alltime, global, depth 3).
Prints PASS/FAIL per check and "ws: N passed, N failed"; exit 0 only when all passed.
"""
import argparse
import asyncio
import json
import ssl
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from checks import Api, Tally, canonical, check_envelope, event, expect, expect_equal, strip, with_timeout

A = None  # parsed arguments
API = None


def ws_url(path):
    base = A.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return base + path


def ssl_context():
    if not A.base.startswith("https://"):
        return None
    return ssl.create_default_context(cafile=A.cafile)


def open_ws(path, **kw):
    kw.setdefault("open_timeout", 10)
    kw.setdefault("close_timeout", 5)
    if ssl_context():
        kw["ssl"] = ssl_context()
    return connect(ws_url(path), **kw)


class Session:
    """A game connection that keeps every message it received (for the seq/t checks)."""

    def __init__(self, ws, label):
        self.ws = ws
        self.label = label
        self.log = []

    async def send(self, obj):
        await self.ws.send(json.dumps(obj))

    async def recv(self, timeout=5.0):
        raw = await with_timeout(self.ws.recv(), timeout, "a message on " + self.label)
        expect(isinstance(raw, str), "%s: a binary frame on an overtake.v1 connection" % self.label)
        m = json.loads(raw)
        self.log.append(m)
        return m

    async def collect(self, n, quiet=0.5):
        """Exactly n messages, then silence for `quiet` seconds."""
        out = [await self.recv() for _ in range(n)]
        try:
            raw = await asyncio.wait_for(self.ws.recv(), quiet)
        except asyncio.TimeoutError:
            return out
        self.log.append(json.loads(raw))
        raise AssertionError("%s: unexpected extra message %s (after %s)" % (self.label, raw, out))

    async def expect_tick(self, want, what):
        """The messages of one tick, compared without order and without seq/t/pseq/id."""
        got = await self.collect(len(want)) if want else await self.collect(0)
        key = lambda m: json.dumps(m, sort_keys=True)
        expect_equal(sorted((canonical(strip(m)) for m in got), key=key),
                     sorted((canonical(m) for m in want), key=key), "%s: %s" % (self.label, what))
        for m in got:
            personal = m["type"] in ("rank", "overtaken", "top_entry", "top_exit")
            expect(not personal or isinstance(m.get("pseq"), int), "%s: personal message without pseq: %s" % (self.label, m))
            expect(personal or "pseq" not in m, "%s: pseq on a non-personal message: %s" % (self.label, m))
        return got


# --------------------------------------------------------------------------------------------
# Echo endpoint, frames, close codes, limits

async def check_handshake():
    token = API.token("hank")
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        expect_equal(ws.subprotocol, "overtake.v1", "negotiated subprotocol")
        expect_equal(ws.response.headers.get("Sec-WebSocket-Protocol"), "overtake.v1", "Sec-WebSocket-Protocol header")
    async with open_ws("/v1/ws?token=" + token) as ws:
        expect(ws.subprotocol is None, "a subprotocol was selected although none was offered: %r" % ws.subprotocol)


async def check_echo_text_binary():
    async with open_ws(A.echo, max_size=None) as ws:
        text = "héllo, wörld ✓ — overtake"
        await ws.send(text)
        expect_equal(await with_timeout(ws.recv(), 5, "text echo"), text, "text echo")
        blob = bytes(range(256)) * 8
        await ws.send(blob)
        expect_equal(await with_timeout(ws.recv(), 5, "binary echo"), blob, "binary echo")
        size = min(1 << 20, A.max_message_bytes)  # exactly at the limit when the limit is smaller
        big = bytes((i * 7) & 0xFF for i in range(size))
        await ws.send(big)
        got = await with_timeout(ws.recv(), 10, "%d-byte binary echo" % size)
        expect(got == big, "%d-byte binary echo differs (got %d bytes)" % (size, len(got)))


async def check_echo_fragmented():
    async with open_ws(A.echo) as ws:
        parts = ["frag", "mented ", "téxt ✓"]
        await ws.send(parts)  # an iterable: one message in three frames (text, continuation ×2)
        expect_equal(await with_timeout(ws.recv(), 5, "fragmented text echo"), "".join(parts), "fragmented text echo")
        chunks = [b"\x00\x01", b"\x02" * 1000, b"\xff"]
        await ws.send(chunks)
        expect_equal(await with_timeout(ws.recv(), 5, "fragmented binary echo"), b"".join(chunks), "fragmented binary echo")


async def check_ping_pong():
    async with open_ws(A.echo) as ws:
        waiter = await ws.ping(b"ci-ping-1")
        latency = await with_timeout(waiter, 5, "the pong for our ping")
        expect(latency >= 0, "pong latency")
        # The connection carries on after the ping (pings inside fragmented messages: Autobahn 5.*).
        await ws.send("after ping")
        expect_equal(await with_timeout(ws.recv(), 5, "echo after ping"), "after ping", "echo after ping")


async def check_close_1000():
    async with open_ws(A.echo) as ws:
        await ws.send("bye soon")
        await with_timeout(ws.recv(), 5, "echo")
        await ws.close(1000, "done")
        expect(ws.protocol.close_rcvd is not None, "no close frame from the server")
        expect_equal(ws.protocol.close_rcvd.code, 1000, "close code echoed by the server")
        expect(ws.protocol.close_sent.code == 1000 and not ws.protocol.close_rcvd_then_sent, "we should have closed first")


async def expect_server_close(ws, code, what):
    try:
        while True:
            await with_timeout(ws.recv(), 10, what)
    except ConnectionClosed:
        pass
    expect(ws.protocol.close_rcvd is not None, "%s: no close frame from the server" % what)
    expect_equal(ws.protocol.close_rcvd.code, code, "%s: close code" % what)
    return ws.protocol.close_rcvd


async def check_message_too_big():
    token = API.token("max")
    # Not `async with`: websockets 17 raises from __aexit__ after the server closed the TCP
    # connection while our large frame was still being written; the close frame is what counts.
    ws = await open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"], max_size=None)
    try:
        try:
            await ws.send("x" * (A.max_message_bytes + 1))
        except ConnectionClosed:
            pass  # the server may close before our write finished
        await expect_server_close(ws, 1009, "a %d-byte message (limit %d)" % (A.max_message_bytes + 1, A.max_message_bytes))
    finally:
        try:
            await ws.close()
        except Exception:
            pass
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        await ws.send(json.dumps({"type": "ping", "id": 1}))  # the player can reconnect and talk
        m = json.loads(await with_timeout(ws.recv(), 5, "pong"))
        expect_equal(m.get("type"), "pong", "reply after reconnecting")


async def check_bad_token_401():
    good = API.token("ivan")
    tampered = good.replace("aXZhbg", "ZXZl", 1)  # same signature, another player
    for label, token in [("garbage", "not-a-token"), ("tampered", tampered)]:
        try:
            async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]):
                raise AssertionError("%s token: the upgrade was accepted" % label)
        except InvalidStatus as e:
            r = e.response
            expect_equal(r.status_code, 401, "%s token: HTTP status before the upgrade" % label)
            body = json.loads(r.body.decode())
            expect(body.get("error", {}).get("code") == "invalid_token", "%s token: error body %s" % (label, body))


async def check_auth_message():
    token = API.token("jane")
    async with open_ws("/v1/ws", subprotocols=["overtake.v1"]) as ws:
        s = Session(ws, "jane (auth message)")
        await s.send({"type": "auth", "token": token})
        await s.send({"type": "ping", "id": "p1"})
        m = await s.recv()
        expect_equal(strip(m), {"type": "pong", "id": "p1"}, "reply after auth")
    async with open_ws("/v1/ws", subprotocols=["overtake.v1"]) as ws:
        await ws.send(json.dumps({"type": "subscribe", "board": "ci", "window": "alltime"}))
        await expect_server_close(ws, 1008, "a command before auth")
    async with open_ws("/v1/ws", subprotocols=["overtake.v1"]) as ws:
        await ws.send(json.dumps({"type": "auth", "token": "v1.bogus"}))
        await expect_server_close(ws, 1008, "auth with a bad token")


async def check_errors_and_binary():
    token = API.token("kate")
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        s = Session(ws, "kate")
        await s.send({"type": "subscribe", "board": "no-such-board", "window": "alltime"})
        m = await s.recv()
        expect(m.get("type") == "error" and m.get("code") == "unknown_board", "unknown board: %s" % m)
        await ws.send("{not json")
        m = await s.recv()
        expect(m.get("type") == "error" and m.get("code") == "bad_request", "malformed command: %s" % m)
        await s.send({"type": "subscribe", "window": "alltime"})
        m = await s.recv()
        expect(m.get("type") == "error" and "board" in m.get("message", ""), "missing field named: %s" % m)
        check_envelope(s.log, s.label)
        await ws.send(b"\x01\x02")
        await expect_server_close(ws, 1003, "a binary message on overtake.v1")


# --------------------------------------------------------------------------------------------
# The overtake.v1 game protocol on board ci (notify depth 3)

B = "ci"


def rank(scope, old, new, score):
    return {"type": "rank", "board": B, "window": "alltime", "period": "alltime", "scope": scope,
            "old_rank": old, "new_rank": new, "score": score}


def overtaken(scope, rank_, score, by, by_score, count):
    return {"type": "overtaken", "board": B, "window": "alltime", "period": "alltime", "scope": scope,
            "rank": rank_, "score": score, "by": by, "by_score": by_score, "count": count}


def top(kind, rank_, score, board=None):
    return {"type": kind, "board": board or B, "window": "alltime", "period": "alltime", "scope": "global",
            "rank": rank_, "score": score, "depth": 3}


def diff(size, entered=(), moved=(), left=()):
    return {"type": "board", "board": B, "window": "alltime", "period": "alltime", "scope": "global", "size": size,
            "entered": [{"player": p, "rank": r, "score": s} for p, r, s in entered],
            "moved": [{"player": p, "rank": r, "from": f, "score": s} for p, r, f, s in moved],
            "left": [{"player": p, "from": f} for p, f in left]}


async def check_game_protocol():
    API.require_empty(B)
    API.befriend("ann", "bob")
    API.befriend("ann", "cat")
    ann_token, bob_token = API.token("ann"), API.token("bob")
    async with open_ws("/v1/ws?token=" + ann_token, subprotocols=["overtake.v1"]) as ws_ann, \
            open_ws("/v1/ws?token=" + bob_token, subprotocols=["overtake.v1"]) as ws_bob:
        ann, bob = Session(ws_ann, "ann"), Session(ws_bob, "bob")
        for cmd in [{"type": "subscribe", "board": B, "window": "alltime", "scope": "global"},
                    {"type": "subscribe", "board": B, "window": "alltime", "scope": "friends"},
                    {"type": "watch", "board": B, "window": "alltime"},
                    {"type": "spectate", "board": B, "window": "alltime", "scope": "global"},
                    {"type": "ping", "id": 7}]:
            await ann.send(cmd)
        ack = lambda req, scope: {"type": "ack", "request": req, "board": B, "window": "alltime", "scope": scope}
        await ann.expect_tick([ack("subscribe", "global"), ack("subscribe", "friends"), ack("watch", "global"),
                               {"type": "snapshot", "board": B, "window": "alltime", "period": "alltime", "scope": "global",
                                "size": 0, "top": []},
                               {"type": "pong", "id": 7}], "acks, snapshot and pong")
        await bob.send({"type": "subscribe", "board": B, "window": "alltime", "scope": "global"})
        await bob.expect_tick([ack("subscribe", "global")], "ack")

        steps = [
            ([("ann", 100)],
             [rank("global", 0, 1, 100), top("top_entry", 1, 100), rank("friends", 0, 1, 100), diff(1, entered=[("ann", 1, 100)])],
             []),
            ([("bob", 150)],
             [overtaken("global", 2, 100, "bob", 150, 1), overtaken("friends", 2, 100, "bob", 150, 1),
              diff(2, entered=[("bob", 1, 150)])],
             [rank("global", 0, 1, 150), top("top_entry", 1, 150)]),
            ([("cat", 200), ("dan", 180)],  # one tick: ann is told once, "by 2 players, latest dan"
             [overtaken("global", 4, 100, "dan", 180, 2), top("top_exit", 4, 100), overtaken("friends", 3, 100, "cat", 200, 1),
              diff(4, entered=[("cat", 1, 200), ("dan", 2, 180)], left=[("ann", 2)])],
             [overtaken("global", 3, 150, "dan", 180, 2)]),
            ([("fay", 120)],  # below the top 3: only the watcher (ann) hears of it, and spectators of the size
             [overtaken("global", 5, 100, "fay", 120, 1), diff(5)],
             []),
            ([("hal", 95)], [diff(6)], []),
            ([("ann", 300)],
             [rank("global", 5, 1, 300), top("top_entry", 1, 300), rank("friends", 3, 1, 300),
              diff(6, entered=[("ann", 1, 300)], left=[("bob", 3)])],
             [overtaken("global", 4, 150, "ann", 300, 1), top("top_exit", 4, 150)]),
            ([("ivy", 160)], [diff(7)], []),  # passes bob outside the top 3: bob does not watch, so silence
        ]
        for batch, want_ann, want_bob in steps:
            API.post_scores([event(B, p, s) for p, s in batch])
            what = "after " + ", ".join("%s %d" % x for x in batch)
            await ann.expect_tick(want_ann, what)
            await bob.expect_tick(want_bob, what)
        await ann.send({"type": "ping", "id": 8})
        await ann.expect_tick([{"type": "pong", "id": 8}], "pong")
        check_envelope(ann.log, "ann")
        check_envelope(bob.log, "bob")
        pseqs = [m["pseq"] for m in ann.log if "pseq" in m]
        expect(len(set(pseqs)) == len(pseqs), "ann: repeated pseq %s" % pseqs)
    # The REST view agrees with what was pushed.
    body = API.top(B, limit=3)
    expect_equal([(e["player"], e["rank"], e["score"]) for e in body["entries"]],
                 [("ann", 1, 300), ("cat", 2, 200), ("dan", 3, 180)], "GET top after the game")


async def check_resume():
    R = "ciresume"
    API.require_empty(R)
    token = API.token("rae")
    msg = lambda kind, **f: dict({"type": kind, "board": R, "window": "alltime", "period": "alltime", "scope": "global"}, **f)
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        s = Session(ws, "rae (first connection)")
        await s.send({"type": "subscribe", "board": R, "window": "alltime", "scope": "global"})
        await s.recv()
        API.post_scores([event(R, "rae", 100)])
        got = await s.expect_tick([msg("rank", old_rank=0, new_rank=1, score=100),
                                   msg("top_entry", rank=1, score=100, depth=3)], "own first score")
        last = max(m["pseq"] for m in got)
    # Away: three players pass rae; the third pushes her out of the top 3.
    for p, sc in [("sam", 200), ("tia", 300), ("uma", 400)]:
        API.post_scores([event(R, p, sc)])
    missed = [msg("overtaken", rank=2, score=100, by="sam", by_score=200, count=1),
              msg("overtaken", rank=3, score=100, by="tia", by_score=300, count=1),
              msg("overtaken", rank=4, score=100, by="uma", by_score=400, count=1),
              msg("top_exit", rank=4, score=100, depth=3)]
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        s = Session(ws, "rae (resumed)")
        await s.send({"type": "resume", "last_pseq": last})
        got = await s.collect(len(missed))
        expect_equal([strip(m) for m in sorted(got, key=lambda m: m["pseq"])], missed, "messages replayed by resume")
        expect_equal(sorted(m["pseq"] for m in got), list(range(last + 1, last + 1 + len(missed))),
                     "pseq continues across the reconnect")
        check_envelope(s.log, s.label)
        await s.send({"type": "resume", "last_pseq": 1})
        m = await s.recv()
        expect(m.get("type") == "reset" and m.get("reason") == "gap_too_large", "resume from a long-gone pseq: %s" % m)


# --------------------------------------------------------------------------------------------
# wss:// (TLS suite): a notification end to end

async def check_tls_notification():
    R = "ci"
    token = API.token("tess")
    async with open_ws("/v1/ws?token=" + token, subprotocols=["overtake.v1"]) as ws:
        s = Session(ws, "tess (wss)")
        await s.send({"type": "subscribe", "board": R, "window": "alltime", "scope": "global"})
        m = await s.recv()
        expect(m.get("type") == "ack", "subscribe over wss: %s" % m)
        API.post_scores([event(R, "tess", 77)])
        got = await s.collect(2)
        expect_equal(sorted(m["type"] for m in got), ["rank", "top_entry"], "notifications over wss")


async def main():
    global A, API
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("internal_token")
    ap.add_argument("--echo", default="/echo")
    ap.add_argument("--max-message-bytes", type=int, default=65536)
    ap.add_argument("--cafile")
    ap.add_argument("--suite", choices=["full", "tls"], default="full")
    A = ap.parse_args()
    API = Api(A.base, A.internal_token, verify=A.cafile or True)
    t = Tally("ws")
    await t.run("handshake: subprotocol overtake.v1 negotiated (and none when not offered)", check_handshake)
    await t.run("echo: text and binary messages (UTF-8, 2 KiB, min(1 MiB, the limit))", check_echo_text_binary)
    if A.suite == "full":
        await t.run("echo: fragmented text and binary messages reassembled", check_echo_fragmented)
    await t.run("ping → pong with the same payload", check_ping_pong)
    await t.run("close 1000 is echoed by the server", check_close_1000)
    await t.run("message over websocket.max_message_bytes → close 1009 from the server", check_message_too_big)
    await t.run("bad or tampered token → HTTP 401 before the upgrade", check_bad_token_401)
    if A.suite == "full":
        await t.run("auth message first; a command before auth or a bad auth → close 1008", check_auth_message)
        await t.run("error replies name the problem; binary on overtake.v1 → close 1003", check_errors_and_binary)
        await t.run("game protocol: subscribe/watch/spectate, rank/overtaken/top_entry/top_exit/board per tick", check_game_protocol)
        await t.run("resume: missed personal messages replayed with continuous pseq; old pseq → reset", check_resume)
    else:
        await t.run("notifications over wss:// (subscribe, rank, top_entry)", check_tls_notification)
    return t.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
