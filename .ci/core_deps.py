#!/usr/bin/env python3
"""Fails when geoevents-core's normal dependency tree holds an async runtime,
an HTTP client or SQLite. Reads `cargo metadata` (no rustc probe, unlike
`cargo tree`) from stdin and walks the resolve graph from geoevents-core."""
import json
import sys

FORBIDDEN = {"tokio", "reqwest", "hyper", "rusqlite", "libsqlite3-sys"}

meta = json.load(sys.stdin)
nodes = {node["id"]: node for node in meta["resolve"]["nodes"]}
names = {pkg["id"]: pkg["name"] for pkg in meta["packages"]}
core = next(pkg_id for pkg_id, name in names.items() if name == "geoevents-core")

seen, stack = set(), [core]
while stack:
    pkg_id = stack.pop()
    if pkg_id in seen:
        continue
    seen.add(pkg_id)
    for dep in nodes[pkg_id]["deps"]:
        # Only normal edges: dev- and build-dependencies never reach users.
        if any(kind["kind"] is None for kind in dep["dep_kinds"]):
            stack.append(dep["pkg"])

bad = sorted(names[pkg_id] for pkg_id in seen if names[pkg_id] in FORBIDDEN)
if bad:
    print(f"CI: geoevents-core depends on {', '.join(bad)}", file=sys.stderr)
    sys.exit(1)
print(f"geoevents-core: {len(seen)} crates in its normal tree, none of {sorted(FORBIDDEN)}")
