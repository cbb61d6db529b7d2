#!/usr/bin/env python3
"""Server-Sent Events conformance with real third-party clients: httpx + httpx-sse (0.4.x).

Usage: sse_check.py BASE_URL INTERNAL_TOKEN [--board cisse] [--retry-ms 1000]
The board (.ci/test-config.json: alltime, global, notify depth 3) must be empty at start.
Checks: snapshot then board diffs live; disconnect, scores posted meanwhile, reconnect with
Last-Event-ID (header and ?lastEventId=) → exactly the missed events, ids and content, equal to
what a client that stayed connected saw; an unknown id → reset then a fresh snapshot; the
personal stream (id = pseq) and its token rules. Prints "sse: N passed, N failed".
"""
import argparse
import asyncio
import json
import sys

import httpx
from httpx_sse import aconnect_sse

from checks import Api, Tally, canonical, check_envelope, event, expect, expect_equal, strip, with_timeout

A = None
API = None


class Stream:
    """One SSE connection read by a background task into a queue (cancelling a pending
    __anext__ of httpx-sse's async generator would finalise it); `next()` returns
    (event, id, data) and skips httpx-sse's empty 'message' for a block without data
    (a retry-only or comment-only block)."""

    def __init__(self, client, path, headers=None):
        self.client = client
        self.path = path
        self.headers = headers or {}
        self.messages = []  # data objects, for the seq/t checks
        self.retry = None
        self.queue = asyncio.Queue()

    async def __aenter__(self):
        self.ctx = aconnect_sse(self.client, "GET", A.base + self.path, headers=self.headers)
        self.source = await self.ctx.__aenter__()
        r = self.source.response
        if r.status_code != 200:  # (reading the body of a live stream would never end)
            raise AssertionError("GET %s → %d %s" % (self.path, r.status_code, (await r.aread())[:300]))
        expect(r.headers.get("content-type", "").startswith("text/event-stream"),
               "Content-Type %r" % r.headers.get("content-type"))
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self):
        try:
            async for sse in self.source.aiter_sse():
                await self.queue.put(sse)
        except Exception as e:  # handed to next() as the reason the stream ended
            await self.queue.put(e)
        await self.queue.put(EOFError("the server ended the stream"))

    async def __aexit__(self, *exc):
        self.reader.cancel()
        await self.ctx.__aexit__(*exc)

    async def next(self, timeout=5.0):
        while True:
            sse = await with_timeout(self.queue.get(), timeout, "an event on " + self.path)
            if isinstance(sse, Exception):
                raise AssertionError("%s: %s" % (self.path, sse))
            if sse.retry is not None:
                self.retry = sse.retry
            if sse.event == "message" and sse.data == "":
                continue
            data = json.loads(sse.data)
            self.messages.append(data)
            return sse.event, sse.id, data

    async def take(self, n, quiet=1.0):
        """Exactly n events, then none for `quiet` seconds."""
        out = [await self.next() for _ in range(n)]
        try:
            extra = await asyncio.wait_for(self.next(), quiet)
        except asyncio.TimeoutError:
            return out
        raise AssertionError("unexpected extra event on %s: %s" % (self.path, extra))


def diff(size, entered=(), moved=(), left=()):
    return {"type": "board", "board": A.board, "window": "alltime", "period": "alltime", "scope": "global", "size": size,
            "entered": [{"player": p, "rank": r, "score": s} for p, r, s in entered],
            "moved": [{"player": p, "rank": r, "from": f, "score": s} for p, r, f, s in moved],
            "left": [{"player": p, "from": f} for p, f in left]}


def expect_event(got, kind, want, what, event_id=None):
    ev, eid, data = got
    expect_equal(ev, kind, what + ": event type")
    expect_equal(canonical(strip(data)), canonical(want), what)
    if kind in ("snapshot", "board"):
        expect(eid is not None and eid.isdigit(), "%s: id %r is not a stream sequence" % (what, eid))
        expect_equal(data.get("id"), int(eid), what + ": data.id equals the SSE id")
        if event_id is not None:
            expect_equal(int(eid), event_id, what + ": id")
    return int(eid) if eid else None


async def check_spectator_resume():
    B = A.board
    API.require_empty(B)
    path = "/v1/boards/%s/alltime/stream" % B
    timeout = httpx.Timeout(10, read=30)
    async with httpx.AsyncClient(timeout=timeout) as c1, httpx.AsyncClient(timeout=timeout) as c2:
        async with Stream(c2, path) as control:
            snap = {"type": "snapshot", "board": B, "window": "alltime", "period": "alltime", "scope": "global", "size": 0, "top": []}
            s0 = expect_event(await control.next(), "snapshot", snap, "control: first event")
            async with Stream(c1, path) as live:
                expect_event(await live.next(), "snapshot", snap, "first event", s0)
                expect_equal(live.retry, A.retry_ms, "retry: field")
                API.post_scores([event(B, "a", 5), event(B, "b", 7)])
                expect_event(await live.next(), "board", diff(2, entered=[("b", 1, 7), ("a", 2, 5)]), "diff 1", s0 + 1)
                API.post_scores([event(B, "a", 9)])
                last = expect_event(await live.next(), "board", diff(2, moved=[("a", 1, 2, 9)]), "diff 2", s0 + 2)
                check_envelope(live.messages, "live stream")
            # Disconnected: two diffs happen, then a new player outside the top 3 (a size-only diff).
            API.post_scores([event(B, "c", 8)])
            API.post_scores([event(B, "d", 20)])
            API.post_scores([event(B, "e", 1)])
            missed = [diff(3, entered=[("c", 2, 8)]),
                      diff(4, entered=[("d", 1, 20)], left=[("b", 3)]),
                      diff(5)]
            async with Stream(c1, path, {"Last-Event-ID": str(last)}) as again:
                got = await again.take(3)
                for i, (g, want) in enumerate(zip(got, missed)):
                    expect_event(g, "board", want, "replayed diff %d" % (i + 1), last + 1 + i)
                check_envelope(again.messages, "resumed stream")
            # The client that stayed connected saw the same events with the same ids.
            seen = await control.take(5)
            expect_equal([(ev, eid, strip(d)) for ev, eid, d in seen[2:]],
                         [(ev, eid, strip(d)) for ev, eid, d in got], "replay equals what a connected client saw")
            async with Stream(c1, path + "?lastEventId=%d" % (last + 1)) as q:
                tail = await q.take(2)
                expect_event(tail[0], "board", missed[1], "replay after ?lastEventId=", last + 2)
                expect_event(tail[1], "board", missed[2], "replay after ?lastEventId= (size only)", last + 3)
            latest = last + 3
            top = [{"rank": 1, "player": "d", "score": 20}, {"rank": 2, "player": "a", "score": 9}, {"rank": 3, "player": "c", "score": 8}]
            for unknown in ("1", str(latest + 1000)):
                async with Stream(c1, path, {"Last-Event-ID": unknown}) as r:
                    got = await r.take(2)
                    expect_equal(got[0][0], "reset", "Last-Event-ID %s: first event" % unknown)
                    expect_equal(got[0][2].get("type"), "reset", "reset data")
                    expect_event(got[1], "snapshot", {"type": "snapshot", "board": B, "window": "alltime", "period": "alltime",
                                                      "scope": "global", "size": 5, "top": top},
                                 "Last-Event-ID %s: snapshot after the reset" % unknown, latest)
            async with Stream(c1, path, {"Last-Event-ID": str(latest)}) as upto:
                await upto.take(0)  # nothing was missed: no event, no snapshot
                API.post_scores([event(B, "f", 30)])
                expect_event(await upto.next(), "board",
                             diff(6, entered=[("f", 1, 30)], left=[("c", 3)]),
                             "live after an up-to-date Last-Event-ID", latest + 1)


async def check_stream_errors():
    async with httpx.AsyncClient(timeout=10) as c:
        r = await c.get(A.base + "/v1/boards/no-such-board/alltime/stream")
        expect_equal(r.status_code, 404, "unknown board stream status")
        expect(r.json().get("error", {}).get("code") == "unknown_board", "error body %s" % r.text[:200])
        r = await c.get(A.base + "/v1/players/pia/stream")
        expect_equal(r.status_code, 401, "personal stream without a token")
        r = await c.get(A.base + "/v1/players/pia/stream", params={"token": API.token("someone-else")})
        expect_equal(r.status_code, 403, "personal stream with another player's token")


async def check_personal_stream():
    B = A.board
    token = API.token("pia")
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=30)) as c:
        above = sum(1 for e in API.top(B, limit=1000)["entries"] if e["score"] > 2)
        async with Stream(c, "/v1/players/pia/stream?token=" + token) as s:
            await s.take(0, quiet=0.5)
            API.post_scores([event(B, "pia", 2)])
            ev, eid, data = await s.next()
            expect_equal(ev, "rank", "personal event type")
            expect_equal(strip(data), {"type": "rank", "board": B, "window": "alltime", "period": "alltime", "scope": "global",
                                       "old_rank": 0, "new_rank": above + 1, "score": 2}, "personal rank message")
            expect_equal(eid, str(data.get("pseq")), "personal stream id = pseq")
            check_envelope(s.messages, "personal stream")


async def main():
    global A, API
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("internal_token")
    ap.add_argument("--board", default="cisse")
    ap.add_argument("--retry-ms", type=int, default=1000)
    A = ap.parse_args()
    A.base = A.base.rstrip("/")
    API = Api(A.base, A.internal_token)
    t = Tally("sse")
    await t.run("spectator stream: snapshot, live diffs, Last-Event-ID replay (header and query), reset on unknown ids",
                check_spectator_resume)
    await t.run("stream errors: unknown board 404, personal stream 401 without / 403 with another token", check_stream_errors)
    await t.run("personal stream: rank event with id = pseq", check_personal_stream)
    return t.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
