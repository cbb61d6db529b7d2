"""Shared helpers for the conformance clients: a PASS/FAIL tally that ends with the plain
"N passed, N failed" line, the gateway's REST API through httpx, and message normalisation.

Every check is a named function; a failure (AssertionError or any exception) is reported with its
evidence and the run goes on with the next check unless the check is marked as a prerequisite.
"""
import asyncio
import json
import sys
import time
import traceback

import httpx


class Tally:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def ok(self, label):
        self.passed += 1
        print("PASS " + label, flush=True)

    def bad(self, label, why):
        self.failed += 1
        print("FAIL %s — %s" % (label, why), flush=True)

    async def run(self, label, coro_fn, *args):
        """Runs one async check; returns its result, or None when it failed."""
        try:
            result = await coro_fn(*args)
        except AssertionError as e:
            self.bad(label, str(e) or "assertion failed")
            return None
        except Exception as e:  # evidence for the log: the exception and where it came from
            self.bad(label, "%s: %s" % (type(e).__name__, e))
            traceback.print_exc(file=sys.stdout)
            return None
        self.ok(label)
        return result if result is not None else True

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed), flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_equal(got, want, what):
    if got != want:
        raise AssertionError("%s: got %s, want %s" % (what, json.dumps(got, sort_keys=True), json.dumps(want, sort_keys=True)))


class Api:
    """The REST API (prefix /v1) with the internal token."""

    def __init__(self, base, internal_token, verify=True):
        self.base = base.rstrip("/")
        self.http = httpx.Client(base_url=self.base, timeout=10, verify=verify,
                                 headers={"Authorization": "Bearer " + internal_token})

    def post_scores(self, events):
        r = self.http.post("/v1/scores", json=events)
        expect(r.status_code == 200, "POST /v1/scores → %d %s" % (r.status_code, r.text[:300]))
        body = r.json()
        expect(body.get("accepted") == len(events), "POST /v1/scores accepted %s of %d: %s"
               % (body.get("accepted"), len(events), r.text[:300]))
        return body

    def token(self, player, ttl=900):
        r = self.http.post("/v1/tokens", json={"player": player, "ttl_seconds": ttl})
        expect(r.status_code == 200, "POST /v1/tokens → %d %s" % (r.status_code, r.text[:300]))
        return r.json()["token"]

    def put_board(self, board, definition):
        r = self.http.put("/v1/boards/" + board, json=definition)
        expect(r.status_code in (200, 201), "PUT /v1/boards/%s → %d %s" % (board, r.status_code, r.text[:300]))

    def befriend(self, player, friend):
        r = self.http.put("/v1/players/%s/friends/%s" % (player, friend))
        expect(r.status_code in (200, 201, 204), "PUT friends %s/%s → %d %s" % (player, friend, r.status_code, r.text[:200]))

    def top(self, board, window="alltime", limit=100):
        r = self.http.get("/v1/boards/%s/%s/top" % (board, window), params={"limit": limit})
        expect(r.status_code == 200, "GET top %s → %d %s" % (board, r.status_code, r.text[:300]))
        return r.json()

    def require_empty(self, board):
        total = self.top(board, limit=1).get("total")
        expect(total == 0, "board %s must start empty (a fresh data dir); it holds %s players" % (board, total))


def event(board, player, score):
    return {"board": board, "player": player, "score": score}


def strip(message):
    """A copy of a server message without its per-delivery fields: seq, t, pseq, and the stream
    event id of snapshot/board messages (a pong's id is the client's and stays)."""
    drop = {"seq", "t", "pseq"}
    if message.get("type") in ("snapshot", "board"):
        drop.add("id")
    return {k: v for k, v in message.items() if k not in drop}


def canonical(message):
    """A message with its diff lists sorted by player, so array order does not matter."""
    m = dict(message)
    for key in ("entered", "moved", "left"):
        if isinstance(m.get(key), list):
            m[key] = sorted(m[key], key=lambda e: e.get("player", ""))
    return m


def check_envelope(messages, label, first_seq=1):
    """Every message carries seq (1, 2, 3, … per connection) and t (Unix ns near now)."""
    now = time.time_ns()
    for i, m in enumerate(messages):
        expect(m.get("seq") == first_seq + i, "%s: message %d has seq %s, want %d: %s"
               % (label, i, m.get("seq"), first_seq + i, m))
        t = m.get("t")
        expect(isinstance(t, int) and abs(now - t) < 300 * 10**9,
               "%s: message %d has t=%s, not Unix ns within 5 min of now" % (label, i, t))


async def with_timeout(coro, seconds, what):
    try:
        return await asyncio.wait_for(coro, seconds)
    except asyncio.TimeoutError:
        raise AssertionError("timed out after %.1f s waiting for %s" % (seconds, what))
