/*
 * Test harness for flowcast.js in a real browser (FlowcastJsIT): runs in the page, next to the flowcast.js the
 * node served. It records what clients receive and what goes over their sockets, and lets a test stand in for
 * the server where the server cannot act yet (simulateServerClose, rewrites) or acts only under conditions too
 * heavy for a test (coalesce/flush: the server packs waiting frames only once megabytes back up on one socket).
 * Nothing here changes flowcast.js.
 */
(function () {
  "use strict";
  if (window.probes) return;
  window.probes = {};
  window.tokenSources = {};
  const NativeWebSocket = window.WebSocket;
  const sockets = [];
  window.probeSockets = sockets;

  // Every socket a client opens from now on: what it sent, what it received (after rewrites), where it went.
  class RecordingWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.target = String(url);
      this.sent = [];
      this.received = [];
      this.rewrites = []; // functions (message text) -> text, applied before the client sees a message
      this.fakeClose = null;
      this.closeHandler = null;
      this.held = null; // messages held back by coalesce(), until flush()
      sockets.push(this);
    }
    send(data) {
      this.sent.push(String(data));
      super.send(data);
    }
    set onmessage(handler) {
      super.onmessage = handler && ((event) => {
        let text = String(event.data);
        for (const rewrite of this.rewrites) text = rewrite(text);
        if (this.held) {
          this.held.push(text);
          this.messageHandler = handler;
          return;
        }
        this.received.push(text);
        handler.call(this, { data: text });
      });
    }
    get onmessage() { return super.onmessage; }
    set onclose(handler) {
      this.closeHandler = handler;
      super.onclose = handler && ((event) => { if (!this.fakeClose) handler.call(this, event); });
    }
    get onclose() { return super.onclose; }
    /** Stands in for a server close frame: closes the real socket and tells the client code and reason. */
    simulateServerClose(code, reason) {
      this.fakeClose = { code: code, reason: reason };
      const handler = this.closeHandler;
      super.close();
      if (handler) handler.call(this, { code: code, reason: reason, wasClean: true });
    }
    /** Holds the server's messages back from the client from now on, until flush(). */
    coalesce() {
      this.held = [];
    }
    /** Hands every held message to the client as one packed message, frames one per line (contract §3). */
    flush() {
      const packed = this.held.join("\n");
      this.held = null;
      this.received.push(packed);
      if (packed) this.messageHandler.call(this, { data: packed });
    }
    /** How many frames are being held. */
    heldFrames() {
      return (this.held || []).flatMap((m) => m.split("\n").filter((l) => l)).length;
    }
    /** The frames of every message received, parsed, in order. */
    frames() {
      return this.received.flatMap((m) => m.split("\n").filter((l) => l).map((l) => JSON.parse(l)));
    }
  }
  window.WebSocket = RecordingWebSocket;

  /** A client whose callbacks record into window.probes[name]; extra options override or add to them. */
  window.probeClient = function (name, urls, extra) {
    const record = { events: [], statuses: [], gaps: [], errors: [], handlerErrors: [] };
    const options = Object.assign({
      onStatus: function () { record.statuses.push(Array.prototype.slice.call(arguments)); },
      onGap: (gap) => record.gaps.push(gap),
      onError: (frame) => record.errors.push(frame),
      onHandlerError: (error, frame) => record.handlerErrors.push({
        message: String(error && error.message), seq: frame && frame.seq })
    }, extra || {});
    record.client = new Flowcast(urls, options);
    window.probes[name] = record;
    return record;
  };

  /** Subscribes the named client; each event is recorded first, then handed to then(event) if given. */
  window.probeSubscribe = function (name, topic, subOptions, then) {
    const record = window.probes[name];
    record.client.subscribe(topic, (event) => {
      record.events.push({ topic: event.topic, seq: event.seq, id: event.id, data: event.data });
      if (then) then(event);
    }, subOptions);
  };

  /** True when the named client's subscription to topic was confirmed on its current socket. */
  window.probeActive = function (name, topic) {
    const sub = window.probes[name].client.topics.get(topic);
    return Boolean(sub && sub.state === "active" && window.probes[name].client.isOpen());
  };

  /** A token source the test controls: every call is recorded; tokens are handed out in order by give(). */
  window.tokenSource = function (name) {
    const source = { calls: [], waiting: [], ready: [] };
    source.fn = (topic) => {
      source.calls.push(topic === undefined ? null : topic);
      if (source.ready.length) return Promise.resolve(source.ready.shift());
      return new Promise((resolve) => source.waiting.push(resolve));
    };
    source.give = (token) => {
      if (source.waiting.length) source.waiting.shift()(token);
      else source.ready.push(token);
    };
    window.tokenSources[name] = source;
    return source;
  };
})();
