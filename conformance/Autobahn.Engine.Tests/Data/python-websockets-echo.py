# Echo server for the engine tests on Debian's python3-websockets (10.x); PMD=1 turns on permessage-deflate.
import asyncio, os, websockets
async def echo(ws, path=None):
    try:
        async for m in ws:
            await ws.send(m)
    except websockets.ConnectionClosed:
        pass
async def main():
    port = int(os.environ.get("PORT", "9303"))
    async with websockets.serve(echo, "127.0.0.1", port, max_size=None, compression="deflate" if os.environ.get("PMD") == "1" else None):
        print(f"websockets {websockets.__version__} echo on 127.0.0.1:{port}", flush=True)
        await asyncio.Future()
asyncio.run(main())
