# Echo client on Debian's python3-autobahn (asyncio flavour), driven by a fuzzing server through its
# endpoints: asks for the case count, runs every case (each message sent back with its type), then asks
# for the reports. Usage: [PMD=1] echo_client.py <ws-base-url> <agent> ; prints "ran N cases" at the end.
import asyncio, os, sys, urllib.parse
from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.compress import (PerMessageDeflateOffer, PerMessageDeflateResponse,
                                         PerMessageDeflateResponseAccept)


class Session(WebSocketClientProtocol):
    """Echoes (runCase) or remembers the last text message (control endpoints); done when closed."""
    def onMessage(self, payload, isBinary):
        if self.factory.echo:
            self.sendMessage(payload, isBinary)
        else:
            self.factory.text = payload.decode("utf-8")

    def onClose(self, wasClean, code, reason):
        if not self.factory.done.done():
            self.factory.done.set_result(self.factory.text)


def accept_response(response):
    return PerMessageDeflateResponseAccept(response) if isinstance(response, PerMessageDeflateResponse) else None


async def visit(url, echo):
    loop = asyncio.get_running_loop()
    factory = WebSocketClientFactory(url)
    factory.protocol = Session
    factory.echo, factory.text, factory.done = echo, None, loop.create_future()
    options = dict(maxFramePayloadSize=0, maxMessagePayloadSize=0, autoFragmentSize=0)
    if echo and os.environ.get("PMD") == "1":
        options.update(perMessageCompressionOffers=[PerMessageDeflateOffer()], perMessageCompressionAccept=accept_response)
    factory.setProtocolOptions(**options)
    parts = urllib.parse.urlparse(url)
    await loop.create_connection(factory, parts.hostname, parts.port)
    return await asyncio.wait_for(factory.done, 60)


async def main(base, agent):
    agent = urllib.parse.quote(agent)
    count = int(await visit(f"{base}/getCaseCount", echo=False))
    for i in range(1, count + 1):
        await visit(f"{base}/runCase?case={i}&agent={agent}", echo=True)
    await visit(f"{base}/updateReports?agent={agent}", echo=False)
    print(f"ran {count} cases", flush=True)

asyncio.run(main(*sys.argv[1:3]))
