"""python-websockets echo: the websockets library's own client against its own server on 127.0.0.1,
reporting the echo figures the .NET echo tool measures as one JSON object: 64 B round trips; 64 B,
1 KiB, 64 KiB and 1 MiB pipelined; 1, 100 and 1000 connections at once; and, given --payloads DIR,
the deflate shapes over the same message bytes the .NET side sends. A shape whose count is 0 is left out."""
import argparse
import asyncio
import json
import os
import struct
import time

import websockets
from websockets.legacy.server import WebSocketServerProtocol

SHAPES = ["rt64", "pipe64", "pipe1k", "pipe64k", "pipe1m", "conn1", "conn100", "conn1000",
          "deflate_random16k", "deflate_json4k", "deflate_json64k"]


class CountingServerProtocol(WebSocketServerProtocol):
    """Counts every byte the server reads off its sockets: the compressed size on the wire."""
    bytes_read = 0

    def data_received(self, data):
        CountingServerProtocol.bytes_read += len(data)
        super().data_received(data)


async def echo(ws, *_):
    async for message in ws:
        await ws.send(message)


def random_messages(size, count):
    return [os.urandom(size) for _ in range(count)]


def load_messages(path):
    """A payload set the echo tool wrote: each message as a 4-byte little-endian length, then its bytes."""
    with open(path, "rb") as f:
        data = f.read()
    messages, at = [], 0
    while at + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, at)
        messages.append(data[at + 4:at + 4 + n])
        at += 4 + n
    return messages


def connect(uri, compression=None):
    return websockets.connect(uri, compression=compression, max_size=None)


async def round_trip(ws, m):
    await ws.send(m)
    if len(await ws.recv()) != len(m):
        raise RuntimeError("short echo")


async def round_trips(uri, n):
    async with connect(uri) as ws:
        m = os.urandom(64)
        lat = []
        start = time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            await round_trip(ws, m)
            lat.append((time.perf_counter() - t0) * 1e6)
        secs = time.perf_counter() - start
    lat.sort()
    return {"rt_per_s": n / secs, "p50_us": lat[n // 2], "p99_us": lat[int(n * 0.99)]}


async def pipelined(uri, messages, n, compression=None):
    """A writer task sends n messages (cycling through messages) while this one reads n echoes."""
    async with connect(uri, compression) as ws:
        total = sum(len(messages[i % len(messages)]) for i in range(n))
        wire_before = CountingServerProtocol.bytes_read

        async def writer():
            for i in range(n):
                await ws.send(messages[i % len(messages)])

        start = time.perf_counter()
        task = asyncio.create_task(writer())
        for i in range(n):
            if len(await ws.recv()) != len(messages[i % len(messages)]):
                raise RuntimeError("short echo")
        await task
        secs = time.perf_counter() - start
        figures = {"msgs_per_s": n / secs, "mb_per_s": total / secs / 1e6}
        if compression:
            # Every request has reached the server once its echo is read, so the count is complete.
            figures["wire_b_per_msg"] = (CountingServerProtocol.bytes_read - wire_before) / n
    return figures


async def concurrent(uri, conns, per_conn):
    """Every connection does per_conn 64 B round trips at once; the figure is the aggregate rate."""
    all_ws = []
    # Connects in batches, so the listen backlog never overflows into SYN retries.
    while len(all_ws) < conns:
        batch = min(100, conns - len(all_ws))
        all_ws += await asyncio.gather(*(connect(uri) for _ in range(batch)))
    m = os.urandom(64)

    async def client(ws):
        for _ in range(per_conn):
            await round_trip(ws, m)

    start = time.perf_counter()
    await asyncio.gather(*(client(ws) for ws in all_ws))
    secs = time.perf_counter() - start
    await asyncio.gather(*(ws.close() for ws in all_ws))
    return {"msgs_per_s": conns * per_conn / secs}


async def main():
    p = argparse.ArgumentParser()
    for key in SHAPES:
        p.add_argument("--" + key, type=int, default=0)
    p.add_argument("--payloads")
    a = vars(p.parse_args())
    # The server takes permessage-deflate at the library's defaults when the client offers it.
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=None, create_protocol=CountingServerProtocol) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"ws://127.0.0.1:{port}/"
        out = {}

        async def run(key, f):
            if a[key] > 0:
                out[key] = await f(a[key])

        def pipe(size):
            messages = random_messages(size, 4)
            return lambda n: pipelined(uri, messages, n)

        def conns(c):
            return lambda n: concurrent(uri, c, n)

        await run("rt64", lambda n: round_trips(uri, n))
        await run("pipe64", pipe(64))
        await run("pipe1k", pipe(1024))
        await run("pipe64k", pipe(64 * 1024))
        await run("pipe1m", pipe(1024 * 1024))
        await run("conn1", conns(1))
        await run("conn100", conns(100))
        await run("conn1000", conns(1000))
        if a["payloads"]:
            for key in SHAPES[-3:]:
                messages = load_messages(os.path.join(a["payloads"], key + ".bin"))
                await run(key, lambda n, m=messages: pipelined(uri, m, n, "deflate"))
    print(json.dumps(out))


asyncio.run(main())
