# Echo server on Debian's python3-autobahn (asyncio flavour) for the conformance engine's tests.
# PORT=n, PMD=1 accepts permessage-deflate offers; prints "echo on" once listening on 127.0.0.1.
import asyncio, os
import autobahn
from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


def accept_deflate(offers):
    # The first permessage-deflate offer we can take, taken as offered.
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


async def main():
    port = int(os.environ.get("PORT", "9304"))
    factory = WebSocketServerFactory(f"ws://127.0.0.1:{port}")
    factory.protocol = Echo
    # No size limits: chapter 9 sends messages of up to 16 MiB.
    options = dict(maxFramePayloadSize=0, maxMessagePayloadSize=0, autoFragmentSize=0)
    if os.environ.get("PMD") == "1":
        options["perMessageCompressionAccept"] = accept_deflate
    factory.setProtocolOptions(**options)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", port)
    print(f"autobahn-python {autobahn.__version__} echo on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
