// node-ws echo: ws's own client against its own server on 127.0.0.1, reporting the echo figures the
// .NET echo tool measures as one JSON object: 64 B round trips; 64 B, 1 KiB, 64 KiB and 1 MiB
// pipelined; 1, 100 and 1000 connections at once; and, given --payloads DIR, the deflate shapes over
// the same message bytes the .NET side sends. A shape whose count is 0 (or absent) is left out.
// With --serve it runs only the server (for the echo tool's server-only tables and memory figures):
// it prints "listening 127.0.0.1:PORT" and serves until killed.
'use strict';
const { WebSocketServer, WebSocket } = require('ws');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function randomMessages(size, count) {
  return Array.from({ length: count }, () => crypto.randomBytes(size));
}

// A payload set the echo tool wrote: each message as a 4-byte little-endian length, then its bytes.
function loadMessages(file) {
  const data = fs.readFileSync(file);
  const all = [];
  for (let at = 0; at + 4 <= data.length;) {
    const n = data.readUInt32LE(at);
    all.push(data.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return all;
}

// The socket of the server side's newest connection: its bytesRead is the size on the wire.
let serverSocket = null;

function connect(port, perMessageDeflate) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

// Sends m and resolves with the echo; one call at a time per connection.
function roundTripper(ws) {
  let waiter = null;
  ws.on('message', (data) => waiter(data));
  return (m) => {
    const got = new Promise((r) => { waiter = r; });
    ws.send(m);
    return got.then((data) => {
      if (data.length !== m.length) throw new Error('short echo');
    });
  };
}

async function roundTrips(port, n) {
  const ws = await connect(port, false);
  const roundTrip = roundTripper(ws);
  const m = crypto.randomBytes(64);
  const lat = new Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await roundTrip(m);
    lat[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  ws.terminate();
  lat.sort((a, b) => a - b);
  return { rt_per_s: n / secs, p50_us: lat[n >> 1], p99_us: lat[Math.floor(n * 0.99)] };
}

// The writer sends n messages (cycling through msgs) while the echoes are read as they arrive.
async function pipelined(port, msgs, n, perMessageDeflate) {
  const ws = await connect(port, perMessageDeflate);
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += msgs[i % msgs.length].length;
  const wireBefore = serverSocket.bytesRead;
  let received = 0;
  const start = process.hrtime.bigint();
  const done = new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      if (data.length !== msgs[received % msgs.length].length) reject(new Error('short echo'));
      if (++received === n) resolve();
    });
  });
  // The writer yields to the event loop whenever the socket buffers fill, as a writer task would block.
  for (let i = 0; i < n; i++) {
    ws.send(msgs[i % msgs.length]);
    if (ws.bufferedAmount > 1 << 20) await new Promise((r) => setImmediate(r));
  }
  await done;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const figures = { msgs_per_s: n / secs, mb_per_s: bytes / secs / 1e6 };
  // Every request has reached the server once its echo is read, so the count is complete.
  if (perMessageDeflate) figures.wire_b_per_msg = (serverSocket.bytesRead - wireBefore) / n;
  ws.terminate();
  return figures;
}

// Every connection does perConn 64 B round trips at once; the figure is the aggregate rate.
async function concurrent(port, conns, perConn) {
  const all = [];
  // Connects in batches, so the listen backlog never overflows into SYN retries.
  while (all.length < conns) {
    const batch = Math.min(100, conns - all.length);
    all.push(...await Promise.all(Array.from({ length: batch }, () => connect(port, false))));
  }
  const m = crypto.randomBytes(64);
  const start = process.hrtime.bigint();
  await Promise.all(all.map(async (ws) => {
    const roundTrip = roundTripper(ws);
    for (let i = 0; i < perConn; i++) await roundTrip(m);
  }));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  all.forEach((ws) => ws.terminate());
  return { msgs_per_s: (conns * perConn) / secs };
}

async function main() {
  // Compression at ws's defaults when the client offers it (threshold 1024 B, zlib's default level, window 15).
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws, req) => {
    serverSocket = req.socket;
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const port = wss.address().port;
  if (process.argv.includes('--serve')) {
    process.stdout.write(`listening 127.0.0.1:${port}\n`);
    return;
  }
  const out = {};
  const run = async (key, f) => {
    const n = parseInt(arg('--' + key, '0'), 10);
    if (n > 0) out[key] = await f(n);
  };
  const pipe = (size) => {
    const msgs = randomMessages(size, 4);
    return (n) => pipelined(port, msgs, n, false);
  };
  await run('rt64', (n) => roundTrips(port, n));
  await run('pipe64', pipe(64));
  await run('pipe1k', pipe(1024));
  await run('pipe64k', pipe(64 * 1024));
  await run('pipe1m', pipe(1024 * 1024));
  await run('conn1', (n) => concurrent(port, 1, n));
  await run('conn100', (n) => concurrent(port, 100, n));
  await run('conn1000', (n) => concurrent(port, 1000, n));
  const payloads = arg('--payloads', null);
  if (payloads) {
    for (const key of ['deflate_random16k', 'deflate_json4k', 'deflate_json64k']) {
      const msgs = loadMessages(path.join(payloads, key + '.bin'));
      await run(key, (n) => pipelined(port, msgs, n, true));
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  wss.close();
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
