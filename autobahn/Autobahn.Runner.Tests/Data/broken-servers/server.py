# A deliberately broken WebSocket echo server (stdlib only). The path picks the fault:
#   /utf8      echoes text without checking UTF-8
#   /wrongcode fails connections with 1000 and answers every close with 1000
#   /noclose   never answers a close frame and never closes the TCP connection
import asyncio, base64, hashlib, struct, sys
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

async def send(w, op, payload, fin=True):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | op])
    if n < 126: head += bytes([n])
    elif n < 65536: head += bytes([126]) + struct.pack("!H", n)
    else: head += bytes([127]) + struct.pack("!Q", n)
    w.write(head + payload); await w.drain()

async def serve(r, w):
    req = await r.readuntil(b"\r\n\r\n")
    path = req.split(b" ")[1].decode()
    key = [l.split(b":", 1)[1].strip() for l in req.split(b"\r\n") if l.lower().startswith(b"sec-websocket-key")][0]
    acc = base64.b64encode(hashlib.sha1(key + GUID).digest())
    w.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n")
    async def fail(code):
        if path == "/noclose": await asyncio.sleep(3600)
        await send(w, 8, struct.pack("!H", 1000 if path == "/wrongcode" else code)); w.close()
    msg_op, parts = None, []
    try:
        while True:
            b0, b1 = await r.readexactly(2)
            fin, rsv, op, n = b0 >> 7, (b0 >> 4) & 7, b0 & 15, b1 & 127
            if n == 126: n = struct.unpack("!H", await r.readexactly(2))[0]
            elif n == 127: n = struct.unpack("!Q", await r.readexactly(8))[0]
            mask = await r.readexactly(4)
            data = bytes(c ^ mask[i % 4] for i, c in enumerate(await r.readexactly(n)))
            if rsv or op in (3, 4, 5, 6, 7, 11, 12, 13, 14, 15): return await fail(1002)
            if op == 8:
                if path == "/noclose": await asyncio.sleep(3600)
                await send(w, 8, struct.pack("!H", 1000) if path == "/wrongcode" or len(data) < 2 else data[:2]); w.close(); return
            if op == 9: await send(w, 10, data); continue
            if op == 10: continue
            if op in (1, 2): msg_op, parts = op, [data]
            else: parts.append(data)
            if fin:
                whole = b"".join(parts)
                if msg_op == 1 and path != "/utf8":
                    try: whole.decode("utf-8")
                    except UnicodeDecodeError: return await fail(1007)
                await send(w, msg_op, whole)
    except (asyncio.IncompleteReadError, ConnectionError):
        w.close()

async def main():
    srv = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]))
    async with srv: await srv.serve_forever()
asyncio.run(main())
