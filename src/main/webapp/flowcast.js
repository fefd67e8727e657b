/*
 * flowcast.js: a dependency-free browser client of the Flowcast protocol (contract §3).
 *
 * API
 *
 *   const fc = new Flowcast(urls, options);
 *     urls     one node, "ws://host:8080/ws", or several nodes of one cluster, ["ws://a/ws", "ws://b/ws"];
 *              a relative URL ("ws", "/ws") is resolved against the page (ws: or wss: as the page).
 *     options  (all optional)
 *       token            the connect token (sent as ?token=): a string, or a function returning a string or a
 *                        Promise of one. A function is asked again when the server says the token expired.
 *       onStatus(status, ...)   "connecting" url · "open" url · "closed" code reason · "reconnecting" delayMs url
 *       onGap(frame)     events {topic, from, to} that will never arrive (lost, or no longer in history)
 *       onError(frame)   the server refused a frame: {code, message, topic}
 *       onHandlerError(error, frame)   a handler (or callback) threw; default: console.error. It never stops
 *                        the other frames: each frame is dispatched on its own.
 *       connectTimeoutMs a connect not open after this long counts as failed (default 10000)
 *       pingMs           how often to ping the server (default 25000); a connection that answered nothing
 *                        since the previous ping is dropped and the next node is tried
 *
 *   fc.subscribe(topic, handler, { token })   handler(event) gets {topic, seq, id, data, ts}, in seq order,
 *                        never twice. token (optional): a token for this subscription only, sent in the
 *                        subscribe frame; a string, or a function(topic) returning a string or a Promise.
 *   fc.unsubscribe(topic)
 *   fc.close()
 *
 * Behaviour
 *
 *   Resume: every topic remembers the last seq and epoch it saw; each (re)subscribe sends them as since/epoch,
 *   so the server replays what was missed, or sends a gap when its history no longer has it.
 *   Failover: a 1001 close (node shutting down), an abnormal close (1006: the node died or the network broke),
 *   a failed or timed-out connect, or a silent connection moves to the next URL of the list. Reconnects wait
 *   a jittered exponential back-off that grows once per round through the list and is reset as soon as a
 *   connection answers.
 *   Tokens: a close 1008 "token expired" fetches a fresh connect token and reconnects; a frame
 *   {"type":"unsubscribed","reason":"token_expired"} fetches a fresh token for that topic and subscribes again
 *   with it and since/epoch. Either way nothing is lost.
 *   Packed messages: a server message carries one or more frames, one per line; each is parsed and dispatched
 *   on its own, so a handler that throws affects its own frame only.
 */
(function (global) {
  "use strict";

  const TOKEN_EXPIRED = "token expired";
  // Closes after which this node is gone or going: try the next one. Others (e.g. 1008 slow consumer) retry here.
  const FAILOVER_CODES = new Set([1001, 1006, 1011, 1012, 1013]);

  function Flowcast(urls, options) {
    this.urls = (Array.isArray(urls) ? urls : [urls]).map(absoluteWsUrl);
    if (!this.urls.length) throw new Error("Flowcast needs at least one URL");
    this.options = options || {};
    this.connectTimeoutMs = this.options.connectTimeoutMs || 10000;
    this.pingMs = this.options.pingMs || 25000;
    this.topics = new Map(); // topic -> subscription (see subscribe)
    this.urlIndex = 0;
    this.attempt = 0; // connects since the last connection that answered
    this.connectToken = undefined; // the last token obtained from options.token
    this.generation = 0; // bumped by every connect: late callbacks of an older one are ignored
    this.ws = null;
    this.closedByUser = false;
    this.connect();
  }

  function absoluteWsUrl(url) {
    if (/^wss?:/.test(url)) return url;
    // Relative to the page, so the app works at any context root.
    const resolved = new URL(url, global.location.href);
    resolved.protocol = resolved.protocol === "https:" ? "wss:" : "ws:";
    return resolved.toString();
  }

  /** A token source (string, or function returning a string or a Promise) as a Promise of the token. */
  function resolveToken(source, topic) {
    try {
      return Promise.resolve(typeof source === "function" ? source(topic) : source);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // ---- connection ----

  Flowcast.prototype.connect = function () {
    if (this.closedByUser) return;
    const generation = ++this.generation;
    const url = this.urls[this.urlIndex];
    this.notify("onStatus", "connecting", url);
    const token = this.connectToken !== undefined || this.options.token === undefined
      ? Promise.resolve(this.connectToken)
      : resolveToken(this.options.token);
    token.then((value) => {
      if (generation !== this.generation || this.closedByUser) return;
      this.connectToken = value;
      this.open(url, value);
    }, (error) => {
      if (generation !== this.generation) return;
      this.handlerError(error, "token");
      this.scheduleReconnect();
    });
  };

  Flowcast.prototype.open = function (url, token) {
    let ws;
    try {
      const target = new URL(url);
      if (token) target.searchParams.set("token", token);
      ws = new WebSocket(target.toString());
    } catch (error) { // a malformed URL: count it as a node that cannot be reached
      this.handlerError(error, url);
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;
    const connectTimer = setTimeout(() => this.drop(ws, 1006, "connect timeout", false), this.connectTimeoutMs);
    ws.onopen = () => {
      opened = true;
      clearTimeout(connectTimer);
      this.heardSincePing = true;
      this.pingTimer = setInterval(() => this.keepAlive(ws), this.pingMs);
      this.notify("onStatus", "open", url);
      for (const [topic, sub] of this.topics) this.sendSubscribe(topic, sub);
    };
    ws.onmessage = (message) => {
      if (this.ws === ws) this.receive(String(message.data));
    };
    ws.onclose = (close) => {
      clearTimeout(connectTimer);
      this.closed(ws, close.code, close.reason, opened);
    };
  };

  /** Gives up on a socket at once (no waiting for a close handshake a dead peer never answers). */
  Flowcast.prototype.drop = function (ws, code, reason, wasOpen) {
    if (this.ws !== ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(); } catch (ignored) { /* already closing */ }
    this.closed(ws, code, reason, wasOpen);
  };

  Flowcast.prototype.keepAlive = function (ws) {
    if (!this.heardSincePing) { // not even a pong since the last ping: a half-open or hung connection
      this.drop(ws, 1006, "no answer", true);
      return;
    }
    this.heardSincePing = false;
    this.send({ type: "ping" });
  };

  Flowcast.prototype.closed = function (ws, code, reason, wasOpen) {
    if (this.ws !== ws) return; // an older socket, already replaced
    this.ws = null;
    clearInterval(this.pingTimer);
    for (const sub of this.topics.values()) this.resetSubscription(sub);
    this.notify("onStatus", "closed", code, reason);
    if (this.closedByUser) return;
    if (code === 1008 && reason === TOKEN_EXPIRED) {
      this.connectToken = undefined; // fetch a fresh one; resubscribing with since/epoch loses nothing
    } else if (code === 1008) {
      // refused by policy (bad token, slow consumer, rate limit): a fresh token may help, haste does not
      if (typeof this.options.token === "function") this.connectToken = undefined;
      this.attempt = Math.max(this.attempt, 2 * this.urls.length);
    }
    if (!wasOpen || FAILOVER_CODES.has(code)) this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.scheduleReconnect();
  };

  Flowcast.prototype.scheduleReconnect = function () {
    // Full jitter: a restarted node is not hit by every client in the same millisecond. The cap doubles once
    // per round through the list, so a dead node among live ones costs little.
    const round = Math.floor(this.attempt++ / this.urls.length);
    const delay = Math.random() * Math.min(30000, 500 * Math.pow(2, round));
    this.notify("onStatus", "reconnecting", Math.round(delay), this.urls[this.urlIndex]);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  };

  // ---- frames in ----

  Flowcast.prototype.receive = function (text) {
    this.heardSincePing = true;
    for (const line of text.split("\n")) {
      if (!line) continue;
      let frame;
      try {
        frame = JSON.parse(line);
        this.dispatch(frame);
      } catch (error) { // this frame only: the rest of the message is still dispatched
        this.handlerError(error, frame === undefined ? line : frame);
      }
    }
  };

  Flowcast.prototype.dispatch = function (frame) {
    this.attempt = 0; // the connection answered: a good one
    const sub = typeof frame.topic === "string" ? this.topics.get(frame.topic) : undefined;
    switch (frame.type) {
      case "subscribed":
        if (sub) {
          if (sub.epoch !== undefined && sub.epoch !== frame.epoch) sub.seq = undefined; // history lost: a gap follows
          sub.epoch = frame.epoch;
          if (sub.seq === undefined) sub.seq = frame.seq;
          sub.state = "active";
          sub.retries = 0;
          sub.freshToken = false;
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
        this.notify("onGap", frame);
        break;
      case "unsubscribed":
        if (sub && frame.reason === "token_expired") this.renewToken(frame.topic, sub);
        break;
      case "error":
        if (sub && sub.state === "pending") this.subscribeRefused(frame, sub);
        this.notify("onError", frame);
        break;
      default:
        break;
    }
  };

  // ---- subscriptions ----

  Flowcast.prototype.subscribe = function (topic, handler, subOptions) {
    const previous = this.topics.get(topic);
    if (previous) this.resetSubscription(previous);
    const sub = {
      handler: handler,
      tokenSource: subOptions ? subOptions.token : undefined,
      token: undefined, // the last token obtained from tokenSource
      freshToken: false,
      seq: undefined,
      epoch: undefined,
      state: "idle", // idle (not asked on this socket), pending (asked), active (subscribed), waiting (retry timer)
      retries: 0,
      retryTimer: null,
      ticket: 0 // bumped by every subscribe: a token that arrives late for an older one is ignored
    };
    this.topics.set(topic, sub);
    if (this.isOpen()) this.sendSubscribe(topic, sub);
  };

  Flowcast.prototype.unsubscribe = function (topic) {
    const sub = this.topics.get(topic);
    if (sub) this.resetSubscription(sub);
    this.topics.delete(topic);
    this.send({ type: "unsubscribe", topic: topic });
  };

  Flowcast.prototype.sendSubscribe = function (topic, sub) {
    const ws = this.ws;
    const ticket = ++sub.ticket;
    sub.state = "pending";
    const token = sub.tokenSource === undefined || sub.token !== undefined
      ? Promise.resolve(sub.token)
      : resolveToken(sub.tokenSource, topic);
    token.then((value) => {
      if (this.ws !== ws || this.topics.get(topic) !== sub || sub.ticket !== ticket) return;
      sub.token = value;
      const frame = { type: "subscribe", topic: topic };
      if (sub.seq !== undefined && sub.epoch !== undefined) {
        frame.since = sub.seq;
        frame.epoch = sub.epoch;
      }
      if (value) frame.token = value;
      this.send(frame);
    }, (error) => {
      if (this.topics.get(topic) !== sub || sub.ticket !== ticket) return;
      this.handlerError(error, "token for " + topic);
      this.retryLater(topic, sub);
    });
  };

  /** The token that authorized this subscription expired: subscribe again with a fresh one, from where it was. */
  Flowcast.prototype.renewToken = function (topic, sub) {
    if (sub.tokenSource === undefined) sub.tokenSource = this.options.token;
    sub.token = undefined;
    sub.freshToken = true;
    if (this.isOpen()) this.sendSubscribe(topic, sub);
  };

  Flowcast.prototype.subscribeRefused = function (frame, sub) {
    if (frame.code === "rate_limited" || frame.code === "unavailable") {
      this.retryLater(frame.topic, sub); // the server asks to try again later
    } else if (frame.code === "unauthorized" && typeof sub.tokenSource === "function" && !sub.freshToken) {
      this.renewToken(frame.topic, sub); // the token kept since the last connection may have expired meanwhile
    } else {
      sub.state = "idle";
    }
  };

  Flowcast.prototype.retryLater = function (topic, sub) {
    sub.state = "waiting";
    const delay = Math.random() * Math.min(30000, 1000 * Math.pow(2, sub.retries++));
    sub.retryTimer = setTimeout(() => {
      if (this.topics.get(topic) === sub && sub.state === "waiting" && this.isOpen()) this.sendSubscribe(topic, sub);
    }, delay);
  };

  Flowcast.prototype.resetSubscription = function (sub) {
    clearTimeout(sub.retryTimer);
    sub.state = "idle";
    sub.ticket++;
  };

  // ---- out ----

  Flowcast.prototype.isOpen = function () {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  };

  Flowcast.prototype.send = function (frame) {
    if (this.isOpen()) this.ws.send(JSON.stringify(frame));
  };

  Flowcast.prototype.close = function () {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    for (const sub of this.topics.values()) this.resetSubscription(sub);
    if (this.ws) this.ws.close(1000, "bye");
  };

  // ---- user callbacks: never let one break the client ----

  Flowcast.prototype.notify = function (name) {
    const callback = this.options[name];
    if (!callback) return;
    try {
      callback.apply(null, Array.prototype.slice.call(arguments, 1));
    } catch (error) {
      this.handlerError(error, name);
    }
  };

  Flowcast.prototype.handlerError = function (error, frame) {
    try {
      if (this.options.onHandlerError) {
        this.options.onHandlerError(error, frame);
        return;
      }
    } catch (ignored) { /* the error hook itself threw: fall back to the console */ }
    console.error("flowcast:", error, frame);
  };

  global.Flowcast = Flowcast;
})(typeof window !== "undefined" ? window : globalThis);
