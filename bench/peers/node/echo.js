// node-ws echo: ws's own client against its own server on 127.0.0.1, reporting the echo figures the
// .NET echo tool measures (64 B round trips, 64 B and 64 KiB pipelined) as one JSON object.
'use strict';
const { WebSocketServer, WebSocket } = require('ws');
const crypto = require('crypto');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? parseInt(process.argv[i + 1], 10) : fallback;
}

// Resolves with the next n messages' lengths, in order, as they arrive.
function connect(port) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function roundTrips(port, n) {
  const ws = await connect(port);
  const m = crypto.randomBytes(64);
  const lat = new Array(n);
  let waiter = null;
  ws.on('message', (data) => waiter(data));
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const got = new Promise((r) => { waiter = r; });
    ws.send(m);
    const data = await got;
    if (data.length !== m.length) throw new Error('short echo');
    lat[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  ws.terminate();
  lat.sort((a, b) => a - b);
  return { rt_per_s: n / secs, p50_us: lat[n >> 1], p99_us: lat[Math.floor(n * 0.99)] };
}

async function pipelined(port, size, n) {
  const ws = await connect(port);
  const m = crypto.randomBytes(size);
  let received = 0;
  const start = process.hrtime.bigint();
  const done = new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      if (data.length !== size) reject(new Error('short echo'));
      if (++received === n) resolve();
    });
  });
  // The writer yields to the event loop whenever the socket buffers fill, as a writer task would block.
  for (let i = 0; i < n; i++) {
    ws.send(m);
    if (ws.bufferedAmount > 1 << 20) await new Promise((r) => setImmediate(r));
  }
  await done;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  ws.terminate();
  return { msgs_per_s: n / secs, mb_per_s: (n * size) / secs / 1e6 };
}

async function main() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  const port = wss.address().port;
  const out = {
    rt64: await roundTrips(port, arg('--rt', 10000)),
    pipe64: await pipelined(port, 64, arg('--pipe64', 50000)),
    pipe64k: await pipelined(port, 64 * 1024, arg('--pipe64k', 1000)),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  wss.close();
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
