#!/usr/bin/env python3
"""Per-case timings of an Autobahn|Testsuite report directory (index.json + case files), as a
text table: case, behavior, duration (ms, as wstest measured it: client and server together),
and the case description. Ends with the total per case group.

Usage: autobahn-timings.py REPORT_DIR
"""
import json
import os
import sys


def main():
    out = sys.argv[1]
    idx = json.load(open(os.path.join(out, "index.json")))
    cases = next(iter(idx.values())) if idx else {}
    key = lambda c: [int(x) for x in c.split(".")]
    groups = {}
    print("%-7s %-13s %8s  %s" % ("case", "behavior", "ms", "description"))
    for cid in sorted(cases, key=key):
        c = cases[cid]
        desc = ""
        try:
            desc = json.load(open(os.path.join(out, c["reportfile"]))).get("description", "")
        except Exception:
            pass
        desc = " ".join(desc.replace("<br>", " ").split())
        print("%-7s %-13s %8d  %s" % (cid, c.get("behavior"), c.get("duration", 0), desc))
        g = ".".join(cid.split(".")[:2])
        groups[g] = groups.get(g, 0) + c.get("duration", 0)
    print()
    for g in sorted(groups, key=key):
        print("%-7s total %6d ms" % (g, groups[g]))
    print("all     total %6d ms over %d cases" % (sum(groups.values()), len(cases)))


if __name__ == "__main__":
    main()
