'use strict';
// Reference server for the load generator: a plain Node `ws` broadcast server speaking the part of Flowcast's
// contract (docs: /work/shared/CONTRACT.md §2, §3) that the benchmarks use, so every Flowcast figure can be given
// as a ratio to it in the same run. One process, one thread, no history, no cluster.
// Usage: PORT=8100 FLOWCAST_PUBLISH_KEY=k [FLOWCAST_AUTH_SECRET=s] node server.js
const http = require('http');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 8100);
const publishKey = Buffer.from(`Bearer ${process.env.FLOWCAST_PUBLISH_KEY || ''}`);
const secret = process.env.FLOWCAST_AUTH_SECRET;
const epoch = crypto.randomUUID();
const topics = new Map(); // name -> { seq, subscribers: Set<WebSocket> }
let nextId = 0;

const topicOf = (name) => topics.get(name) || topics.set(name, { seq: 0, subscribers: new Set() }).get(name);
const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function publish(name, dataJson) {
  const topic = topicOf(name);
  const id = `n${++nextId}`;
  const frame = `{"type":"event","topic":${JSON.stringify(name)},"seq":${++topic.seq},"id":"${id}","data":${dataJson},"ts":${micros()}}`;
  for (const ws of topic.subscribers) ws.send(frame);
  return id;
}

// HS256 JWT with `exp` and a `topics` claim of exact names, `prefix*` or `*` (contract §3).
function authorized(topic, token) {
  if (topic.startsWith('public:')) return true;
  if (!secret || typeof token !== 'string') return false;
  try {
    const [header, payload, signature] = token.split('.');
    const expected = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature || '', 'base64url');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return false;
    if (JSON.parse(Buffer.from(header, 'base64url')).alg !== 'HS256') return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    return claims.exp * 1000 > Date.now() && (claims.topics || []).some((p) => p === '*' || p === topic
      || (p.endsWith('*') && topic.startsWith(p.slice(0, -1))));
  } catch (e) {
    return false;
  }
}

const server = http.createServer((req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const auth = Buffer.from(req.headers.authorization || '');
  if (auth.length !== publishKey.length || !crypto.timingSafeEqual(auth, publishKey)) {
    req.resume();
    return reply(401, { error: 'unauthorized', message: 'missing or wrong publish key' });
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch (e) {
      return reply(400, { error: 'bad_json', message: 'the body is not JSON' });
    }
    const single = /^\/api\/topics\/([A-Za-z0-9_.:%-]{1,600})\/events$/.exec(req.url);
    if (req.method === 'POST' && single) {
      const topic = decodeURIComponent(single[1]);
      return reply(202, { id: publish(topic, JSON.stringify(body)), topic });
    }
    if (req.method === 'POST' && req.url === '/api/events' && Array.isArray(body)) {
      return reply(202, { ids: body.map((item) => publish(item.topic, JSON.stringify(item.data))) });
    }
    reply(404, { error: 'not_found', message: `${req.method} ${req.url}` });
  });
});

new WebSocketServer({ server, path: '/ws' }).on('connection', (ws) => {
  const mine = new Set();
  ws.on('close', () => mine.forEach((topic) => topic.subscribers.delete(ws)));
  ws.on('message', (raw) => {
    let frame;
    try { frame = JSON.parse(raw); } catch (e) {
      return ws.send('{"type":"error","code":"bad_frame","message":"not JSON"}');
    }
    const name = JSON.stringify(String(frame.topic));
    if (frame.type === 'ping') return ws.send('{"type":"pong"}');
    if (frame.type === 'subscribe' && !authorized(String(frame.topic), frame.token)) {
      return ws.send(`{"type":"error","code":"unauthorized","message":"no token for this topic","topic":${name}}`);
    }
    if (frame.type === 'subscribe') {
      const topic = topicOf(String(frame.topic));
      topic.subscribers.add(ws);
      mine.add(topic);
      return ws.send(`{"type":"subscribed","topic":${name},"seq":${topic.seq},"epoch":"${epoch}"}`);
    }
    if (frame.type === 'unsubscribe') {
      const topic = topicOf(String(frame.topic));
      topic.subscribers.delete(ws);
      mine.delete(topic);
      return ws.send(`{"type":"unsubscribed","topic":${name}}`);
    }
    ws.send(`{"type":"error","code":"unknown_type","message":"unknown frame type"}`);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`node-ws reference server on 127.0.0.1:${port}, pid ${process.pid}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
