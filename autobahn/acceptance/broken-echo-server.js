// A deliberately broken echo server for the tool's acceptance run (Debian's node-ws): it skips UTF-8
// validation, so text messages that are not UTF-8 come back instead of failing the connection with 1007.
const WebSocket = require('ws');
const port = +(process.env.PORT || 9012);
const wss = new WebSocket.Server({ host: '127.0.0.1', port, skipUTF8Validation: true });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log(`broken echo server on 127.0.0.1:${port}`));
