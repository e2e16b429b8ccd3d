// An echo client for fuzzingserver mode, on Debian's node-ws: asks for the case count, runs every case
// (echoing text as text and binary as binary), then asks for the reports. Usage: node node-client.js <ws-base-url> <agent>
const WebSocket = require('ws');
const [base, agent] = process.argv.slice(2);
const pmd = process.env.PMD === '1';

function control(path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path);
    let text = null;
    ws.on('message', (data) => { text = data.toString(); });
    ws.on('close', () => resolve(text));
    ws.on('error', reject);
  });
}

function runCase(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base}/runCase?case=${i}&agent=${encodeURIComponent(agent)}`, { perMessageDeflate: pmd });
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('close', resolve);
    ws.on('error', () => {});
  });
}

(async () => {
  const count = JSON.parse(await control('/getCaseCount'));
  for (let i = 1; i <= count; i++) await runCase(i);
  await control(`/updateReports?agent=${encodeURIComponent(agent)}`);
  console.log(`ran ${count} cases`);
})().catch((e) => { console.error(e.message); process.exit(1); });
