"""python-websockets echo: the websockets library's own client against its own server on 127.0.0.1,
reporting the echo figures the .NET echo tool measures (64 B round trips, 64 B and 64 KiB pipelined)
as one JSON object."""
import argparse
import asyncio
import json
import os
import time

import websockets


async def echo(ws, *_):
    async for message in ws:
        await ws.send(message)


async def round_trips(uri, n):
    async with websockets.connect(uri, compression=None, max_size=None) as ws:
        m = os.urandom(64)
        lat = []
        start = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            await ws.send(m)
            if len(await ws.recv()) != len(m):
                raise RuntimeError("short echo")
            lat.append((time.perf_counter() - t0) * 1e6)
        secs = time.perf_counter() - start
    lat.sort()
    return {"rt_per_s": n / secs, "p50_us": lat[n // 2], "p99_us": lat[int(n * 0.99)]}


async def pipelined(uri, size, n):
    async with websockets.connect(uri, compression=None, max_size=None) as ws:
        m = os.urandom(size)

        async def writer():
            for _ in range(n):
                await ws.send(m)

        start = time.perf_counter()
        task = asyncio.create_task(writer())
        for _ in range(n):
            if len(await ws.recv()) != size:
                raise RuntimeError("short echo")
        await task
        secs = time.perf_counter() - start
    return {"msgs_per_s": n / secs, "mb_per_s": n * size / secs / 1e6}


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rt", type=int, default=10000)
    p.add_argument("--pipe64", type=int, default=50000)
    p.add_argument("--pipe64k", type=int, default=1000)
    a = p.parse_args()
    async with websockets.serve(echo, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"ws://127.0.0.1:{port}/"
        out = {
            "rt64": await round_trips(uri, a.rt),
            "pipe64": await pipelined(uri, 64, a.pipe64),
            "pipe64k": await pipelined(uri, 64 * 1024, a.pipe64k),
        }
    print(json.dumps(out))


asyncio.run(main())
