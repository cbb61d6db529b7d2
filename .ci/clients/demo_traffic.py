#!/usr/bin/env python3
"""Bounded, seeded demo traffic for screenshots: seeds a board with players, then posts score
climbs at a steady rate for a fixed time while a few WebSocket players and SSE spectators stay
connected (so the dashboard has connections, notifications and latencies to draw). Every few
seconds someone overtakes the featured player, so its player page shows toasts.

Usage: demo_traffic.py BASE_URL INTERNAL_TOKEN [--board arena] [--players 160] [--seconds 120]
                       [--rate 2] [--featured kim88] [--seed 7]
Only talks to BASE_URL (a local gateway); stops by itself after --seconds.
"""
import argparse
import asyncio
import json
import random
import sys
import time

import httpx
from httpx_sse import aconnect_sse
from websockets.asyncio.client import connect

from checks import Api

NAMES = ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon", "kim", "lou", "max", "ned", "oli",
         "pam", "quinn", "rex", "sue", "tom", "uma", "vic", "wes", "xan", "yul", "zoe"]


async def ws_player(a, api, name, stop):
    token = api.token(name, ttl=3600)
    url = a.base.replace("http://", "ws://", 1) + "/v1/ws?token=" + token
    async with connect(url, subprotocols=["overtake.v1"]) as ws:
        await ws.send(json.dumps({"type": "subscribe", "board": a.board, "window": "alltime", "scope": "global"}))
        await ws.send(json.dumps({"type": "watch", "board": a.board, "window": "alltime"}))
        while time.monotonic() < stop:
            try:
                await asyncio.wait_for(ws.recv(), 1)
            except asyncio.TimeoutError:
                pass


async def sse_spectator(a, stop):
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as c:
        async with aconnect_sse(c, "GET", "%s/v1/boards/%s/alltime/stream" % (a.base, a.board)) as es:
            async def drain():
                async for _ in es.aiter_sse():
                    pass
            try:
                await asyncio.wait_for(drain(), max(0.1, stop - time.monotonic()))
            except asyncio.TimeoutError:
                pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("internal_token")
    ap.add_argument("--board", default="arena")
    ap.add_argument("--players", type=int, default=160)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--featured", default="kim88")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    a.base = a.base.rstrip("/")
    rng = random.Random(a.seed)
    api = Api(a.base, a.internal_token)
    players = [NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)) for i in range(a.players)]
    if a.featured not in players:
        players[len(players) // 2] = a.featured
    scores = {p: rng.randint(5_000, 90_000) for p in players}
    scores[a.featured] = 60_000
    for i in range(0, len(players), 100):
        api.post_scores([{"board": a.board, "player": p, "score": scores[p]} for p in players[i:i + 100]])
    stop = time.monotonic() + a.seconds
    tasks = [asyncio.create_task(ws_player(a, api, p, stop)) for p in (players[3], players[40])]
    tasks += [asyncio.create_task(sse_spectator(a, stop)) for _ in range(2)]
    n = 0
    while time.monotonic() < stop:
        n += 1
        if n % 12 == 0:  # someone just below the featured player passes it
            below = sorted((s, p) for p, s in scores.items() if s < scores[a.featured] and p != a.featured)
            p = below[-1][1] if below else rng.choice(players)
            scores[p] = scores[a.featured] + rng.randint(50, 900)
        else:
            p = rng.choice(players)
            scores[p] += rng.randint(200, 4_000)
        api.post_scores([{"board": a.board, "player": p, "score": scores[p]}])
        await asyncio.sleep(1.0 / a.rate)
    for t in tasks:
        try:
            await asyncio.wait_for(t, 15)
        except Exception:
            pass
    print("demo_traffic: %d score events over %.0f s" % (n, a.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
