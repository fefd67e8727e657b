'use strict';
// A trivial server that only floods event frames, to measure how many deliveries/s the load generator can take
// and at what CPU, and to check its loss/duplicate/order accounting against faults injected here on purpose.
// Once CLIENTS subscribers are in, every one gets packed messages (FRAMES frames, one per line, contract §3) with
// its own consecutive seqs, as fast as its socket drains (at most 4 messages queued per socket). It stops by itself
// after DURATION seconds; with LIMIT=n each subscriber gets seqs 1..n only, so both sides' counts can be compared.
// Usage: PORT=8101 [CLIENTS=100] [FRAMES=64] [DURATION=60] [LIMIT=n] [SKIP_EVERY=n] [DUP_EVERY=n] [GAP_EVERY=n]
//        node flood.js
//   SKIP_EVERY: every n-th seq is left out silently (the generator must count it missing, out of order)
//   DUP_EVERY:  every n-th frame is sent twice (the generator must count a duplicate)
//   GAP_EVERY:  every n-th seq is left out and announced by a `gap` frame (the generator must count a gap, no loss)
// On exit it prints what it sent and injected, per kind, for comparison with the generator's report.
const http = require('http');
const { WebSocketServer } = require('ws');

const env = (name, fallback) => Number(process.env[name] || fallback);
const port = env('PORT', 8101);
const clients = env('CLIENTS', 100);
const framesPerMessage = env('FRAMES', 64);
const limit = env('LIMIT', Number.MAX_SAFE_INTEGER);
const skipEvery = env('SKIP_EVERY', 0);
const dupEvery = env('DUP_EVERY', 0);
const gapEvery = env('GAP_EVERY', 0);
const pad = 'x'.repeat(24);
const sent = { frames: 0, messages: 0, skipped: 0, duplicated: 0, gaps: 0 };
const waiting = [];
const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function flood(ws, topic) {
  const head = `{"type":"event","topic":${JSON.stringify(topic)},"seq":`;
  let seq = 0;
  let queued = 0;
  const pump = () => {
    while (queued < 4 && ws.readyState === 1 && seq < limit) {
      const ts = micros();
      const lines = [];
      while (lines.length < framesPerMessage && seq < limit) {
        seq++;
        if (skipEvery && seq % skipEvery === 0) { sent.skipped++; continue; }
        if (gapEvery && seq % gapEvery === 0) {
          lines.push(`{"type":"gap","topic":${JSON.stringify(topic)},"from":${seq},"to":${seq}}`);
          sent.gaps++;
          continue;
        }
        const line = `${head}${seq},"id":"f${seq}","data":{"lg":${ts},"p":"${pad}"},"ts":${ts}}`;
        lines.push(line);
        if (dupEvery && seq % dupEvery === 0) { lines.push(line); sent.duplicated++; }
      }
      sent.frames += lines.length;
      sent.messages++;
      queued++;
      ws.send(lines.join('\n'), () => { queued--; setImmediate(pump); });
    }
  };
  pump();
}

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
new WebSocketServer({ server, path: '/ws' }).on('connection', (ws) => {
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw);
    if (frame.type !== 'subscribe') return;
    ws.send(`{"type":"subscribed","topic":${JSON.stringify(frame.topic)},"seq":0,"epoch":"flood"}`);
    waiting.push(() => flood(ws, frame.topic));
    if (waiting.length === clients) waiting.forEach((start) => start()); // flooding early would starve the rest
  });
});

const stop = () => { console.log(`flood sent ${JSON.stringify(sent)}`); process.exit(0); };
server.listen(port, '127.0.0.1', () => console.log(`flood server on 127.0.0.1:${port}, pid ${process.pid}`));
setTimeout(stop, env('DURATION', 60) * 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stop);
