"""A small HTTP load generator (not a test): ``python -m storefront.bench.loadgen`` keeps
``--connections`` keep-alive connections busy for ``--seconds``, each sending GETs of the given
paths in turn, and prints one JSON line: requests, req/s, p50/p95/p99 in ms, non-200 answers.
It runs in a process of its own, so the server it measures does not share its interpreter."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Sequence
from urllib.parse import urlsplit


async def _connection(host: str, port: int, paths: list[str], start: int, until: float,
                      latencies: list[float], failures: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = start
    try:
        while time.perf_counter() < until:
            path = paths[index % len(paths)]
            index += 1
            began = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - began) * 1000)
            if status != 200:
                failures.append(status)
    finally:
        writer.close()


async def run(url: str, paths: list[str], connections: int, seconds: float) -> dict:
    parts = urlsplit(url)
    latencies: list[float] = []
    failures: list[int] = []
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(*(
        # each connection starts its own stretch of the paths (distinct paths, when there
        # are many, stay distinct for a while)
        _connection(parts.hostname, parts.port, paths, n * max(7, len(paths) // connections),
                    until, latencies, failures)
        for n in range(connections)
    ))
    elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2), "p99_ms": round(cuts[98], 2),
        "non_200": len(failures),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storefront.bench.loadgen",
                                     description=__doc__)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="+", help="paths requested in turn")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.url, args.paths, args.connections, args.seconds))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
