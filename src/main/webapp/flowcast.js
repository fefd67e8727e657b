/*
 * flowcast.js: a browser client of the Flowcast protocol (contract §3).
 *
 *   const fc = new Flowcast("/ws", { token, onStatus, onGap });
 *   fc.subscribe("public:demo.prices", (event) => { ... event.data, event.seq, event.ts ... });
 *
 * It reconnects by itself with jittered exponential back-off, and re-subscribes each topic with the
 * last seq and epoch it saw, so the server replays what was missed (or says `gap` when history no
 * longer has it). A server message may carry several frames, one per line: it splits on "\n".
 */
(function (global) {
  "use strict";

  function Flowcast(url, options) {
    this.url = absoluteWsUrl(url);
    this.options = options || {};
    this.topics = new Map(); // topic -> { handler, seq, epoch }
    this.attempt = 0;
    this.closedByUser = false;
    this.pingTimer = null;
    this.connect();
  }

  function absoluteWsUrl(url) {
    if (/^wss?:/.test(url)) return url;
    // Relative to the page, so the app works at any context root.
    const resolved = new URL(url, global.location.href);
    resolved.protocol = resolved.protocol === "https:" ? "wss:" : "ws:";
    return resolved.toString();
  }

  Flowcast.prototype.connect = function () {
    const url = this.options.token ? this.url + "?token=" + encodeURIComponent(this.options.token) : this.url;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.status("connecting");
    ws.onopen = () => {
      this.attempt = 0;
      this.status("open");
      for (const [topic, sub] of this.topics) this.sendSubscribe(topic, sub);
      this.pingTimer = setInterval(() => this.send({ type: "ping" }), 25000);
    };
    ws.onmessage = (message) => {
      for (const line of String(message.data).split("\n")) {
        if (line) this.dispatch(JSON.parse(line));
      }
    };
    ws.onclose = (close) => {
      clearInterval(this.pingTimer);
      this.status("closed", close.code, close.reason);
      if (!this.closedByUser) this.scheduleReconnect();
    };
  };

  Flowcast.prototype.scheduleReconnect = function () {
    // Full jitter: a restarted server is not hit by every client in the same millisecond.
    const cap = Math.min(30000, 500 * Math.pow(2, this.attempt++));
    const delay = Math.random() * cap;
    this.status("reconnecting", Math.round(delay));
    setTimeout(() => this.connect(), delay);
  };

  Flowcast.prototype.dispatch = function (frame) {
    const sub = frame.topic !== undefined ? this.topics.get(frame.topic) : undefined;
    switch (frame.type) {
      case "subscribed":
        if (sub) {
          if (sub.epoch !== undefined && sub.epoch !== frame.epoch) sub.seq = undefined;
          sub.epoch = frame.epoch;
          if (sub.seq === undefined) sub.seq = frame.seq;
        }
        break;
      case "event":
        if (sub && (sub.seq === undefined || frame.seq > sub.seq)) {
          sub.seq = frame.seq;
          sub.handler(frame);
        }
        break;
      case "gap":
        if (sub) sub.seq = frame.to;
        if (this.options.onGap) this.options.onGap(frame);
        break;
      case "error":
        if (this.options.onError) this.options.onError(frame);
        break;
      default:
        break;
    }
  };

  Flowcast.prototype.subscribe = function (topic, handler) {
    const sub = { handler: handler, seq: undefined, epoch: undefined };
    this.topics.set(topic, sub);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.sendSubscribe(topic, sub);
  };

  Flowcast.prototype.unsubscribe = function (topic) {
    this.topics.delete(topic);
    this.send({ type: "unsubscribe", topic: topic });
  };

  Flowcast.prototype.sendSubscribe = function (topic, sub) {
    const frame = { type: "subscribe", topic: topic };
    if (sub.seq !== undefined && sub.epoch !== undefined) {
      frame.since = sub.seq;
      frame.epoch = sub.epoch;
    }
    this.send(frame);
  };

  Flowcast.prototype.send = function (frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  };

  Flowcast.prototype.close = function () {
    this.closedByUser = true;
    if (this.ws) this.ws.close(1000, "bye");
  };

  Flowcast.prototype.status = function () {
    if (this.options.onStatus) this.options.onStatus.apply(null, arguments);
  };

  global.Flowcast = Flowcast;
})(typeof window !== "undefined" ? window : globalThis);
