# Echo client on Debian's python3-websockets (10.x), driven by a fuzzing server through its endpoints:
# asks for the case count, runs every case (each message sent back with its type), then asks for the
# reports. Usage: [PMD=1] echo_client.py <ws-base-url> <agent> ; prints "ran N cases" at the end.
import asyncio, os, sys, urllib.parse
import websockets


async def last_text(url):
    text = None
    async with websockets.connect(url, compression=None) as ws:
        async for message in ws:
            text = message
    return text


async def run_case(url):
    compression = "deflate" if os.environ.get("PMD") == "1" else None
    try:
        async with websockets.connect(url, compression=compression, max_size=None) as ws:
            async for message in ws:
                await ws.send(message)
    except (websockets.ConnectionClosed, websockets.InvalidHandshake):
        pass  # the fuzzing server judges how the case ended


async def main(base, agent):
    agent = urllib.parse.quote(agent)
    count = int(await last_text(f"{base}/getCaseCount"))
    for i in range(1, count + 1):
        await run_case(f"{base}/runCase?case={i}&agent={agent}")
    await last_text(f"{base}/updateReports?agent={agent}")
    print(f"ran {count} cases", flush=True)

asyncio.run(main(*sys.argv[1:3]))
