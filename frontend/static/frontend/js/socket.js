// Backstage WebSocket client: one connection per tab, topics multiplexed over it.
// Speaks the envelope of docs/protocol.md; no dependencies. Usage:
//
//   const socket = new BackstageSocket();
//   socket.onStatus((status) => console.log(status));
//   socket.on("message.new", ({ topic, data }) => render(topic, data));
//   socket.connect();
//   const reply = await socket.join("dm:9");           // { history: [...], ... }
//   await socket.send("message.send", "dm:9", { body: "Hello", client_id: crypto.randomUUID() });

/**
 * @typedef {"connecting" | "live" | "reconnecting" | "signed_out" | "closed"} SocketStatus
 * "connecting": first attempt; "live": open; "reconnecting": lost, trying again with backoff;
 * "signed_out": the server refused the session (close 4401/4403), no more attempts;
 * "closed": close() was called.
 */

/**
 * @typedef {object} Push
 * @property {string} type   the event type, e.g. "message.new"
 * @property {string | null} topic
 * @property {Record<string, any>} data
 */

/**
 * @typedef {object} SocketOptions
 * @property {string} [url]             defaults to same-origin /ws/ (ws: or wss: from the page)
 * @property {number} [minDelay]        first reconnect delay in ms (default 500)
 * @property {number} [maxDelay]        cap of the reconnect delay in ms (default 30000)
 * @property {number} [replyTimeout]    ms to wait for a reply before rejecting (default 10000)
 * @property {number} [stableAfter]     ms a connection must stay open to reset the backoff (default 10000)
 * @property {typeof WebSocket} [WebSocketImpl]  for tests
 */

/** Close codes after which reconnecting cannot help: the session is gone or the origin refused. */
const FINAL_CLOSE_CODES = new Set([4401, 4403]);

/** An error reply (or a local failure) with the protocol's error code in `.code`. */
export class BackstageSocketError extends Error {
  /**
   * @param {string} code      "forbidden", "not_found", ... or local: "timeout", "disconnected", "closed", "signed_out"
   * @param {string} [message]
   * @param {Record<string, any>} [details]  the whole `error` object of the reply, when there was one
   */
  constructor(code, message, details) {
    super(message || code);
    this.name = "BackstageSocketError";
    this.code = code;
    this.details = details || {};
  }
}

export class BackstageSocket {
  /** @param {SocketOptions} [options] */
  constructor(options = {}) {
    this.url = options.url || BackstageSocket.defaultUrl();
    this.minDelay = options.minDelay ?? 500;
    this.maxDelay = options.maxDelay ?? 30000;
    this.replyTimeout = options.replyTimeout ?? 10000;
    this.stableAfter = options.stableAfter ?? 10000;
    this.WebSocketImpl = options.WebSocketImpl || globalThis.WebSocket;

    /** @type {SocketStatus} */
    this.status = "connecting";
    /** @type {WebSocket | null} */
    this.ws = null;
    this._nextRef = 1;
    this._attempt = 0;
    this._openedAt = 0;
    this._retryTimer = null;
    this._stopped = true;
    /** ref -> {frame, resolve, reject, timer, sent, resend} */
    this._pending = new Map();
    /** topic -> {data, joined} for every topic the page asked to join */
    this._topics = new Map();
    /** topic -> highest seq seen */
    this._seq = new Map();
    /** type -> Set of handlers; "*" receives every push */
    this._handlers = new Map();
    this._statusHandlers = new Set();
    this._onOnline = () => {
      // Back online: no need to sit out the backoff.
      if (!this._stopped && this.ws === null) this._reconnectNow();
    };
  }

  /** Same-origin /ws/, secure when the page is. */
  static defaultUrl() {
    const scheme = globalThis.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${globalThis.location.host}/ws/`;
  }

  /** Open the connection (and keep it open until close() or a final close code). */
  connect() {
    if (!this._stopped) return;
    this._stopped = false;
    this._attempt = 0;
    // After a close(), the topics joined before come back too.
    for (const entry of this._topics.values()) entry.rejoining = entry.joined;
    this._setStatus("connecting");
    globalThis.addEventListener?.("online", this._onOnline);
    this._open();
  }

  /** Close: no reconnect until connect() again; waiting promises reject with code "closed". */
  close() {
    this._stop("closed");
    if (this.ws) this.ws.close(1000);
  }

  /**
   * Join a topic (once). Rejoined automatically after every reconnect, with `last_seq` when
   * known; the reply to such a rejoin comes as a "rejoined" event (see on()).
   * @param {string} topic   e.g. "dm:9", "room:42"
   * @param {Record<string, any>} [data]  e.g. {last_seq: 17} when the page already has history
   * @returns {Promise<Record<string, any>>} the reply's data (e.g. `history`, `peers`)
   */
  join(topic, data = {}) {
    const entry = { data: { ...data }, joined: false };
    if (typeof data.last_seq === "number") this._noteSeq(topic, data.last_seq);
    this._topics.set(topic, entry);
    return this._request(() => this._joinFrame(topic, entry), { resend: true }).then((reply) => {
      entry.joined = true;
      this._noteHistory(topic, reply);
      return reply;
    }, (error) => {
      if (this._topics.get(topic) === entry) this._topics.delete(topic);
      throw error;
    });
  }

  /**
   * Leave a topic; it is no longer rejoined on reconnect.
   * @param {string} topic
   * @returns {Promise<Record<string, any>>}
   */
  leave(topic) {
    this._topics.delete(topic);
    return this._request(() => ({ type: "leave", topic }));
  }

  /**
   * Send a client frame and wait for its reply.
   * @param {string} type    e.g. "message.send", "signal"
   * @param {string} topic
   * @param {Record<string, any>} [data]
   * @returns {Promise<Record<string, any>>} the reply's data; rejects with BackstageSocketError
   */
  send(type, topic, data = {}) {
    return this._request(() => ({ type, topic, data }));
  }

  /**
   * Listen to pushes of one type ("*" for all). The gateway pushes "joined" for the topics it
   * joins by itself (`user:<id>`) and "left" when it takes the connection out of a topic. This
   * client adds "rejoined" ({topic, data: the join reply}) after a reconnect and "join.failed"
   * ({topic, data: {code, message}}) when a rejoin is refused.
   * @param {string} type
   * @param {(push: Push) => void} handler
   * @returns {() => void} call it to stop listening
   */
  on(type, handler) {
    if (!this._handlers.has(type)) this._handlers.set(type, new Set());
    this._handlers.get(type).add(handler);
    return () => this.off(type, handler);
  }

  /**
   * @param {string} type
   * @param {(push: Push) => void} handler
   */
  off(type, handler) {
    this._handlers.get(type)?.delete(handler);
  }

  /**
   * Listen to the connection status; the handler is called at once with the current one.
   * @param {(status: SocketStatus) => void} handler
   * @returns {() => void} call it to stop listening
   */
  onStatus(handler) {
    this._statusHandlers.add(handler);
    handler(this.status);
    return () => this._statusHandlers.delete(handler);
  }

  /**
   * The highest `seq` seen on a topic, or undefined.
   * @param {string} topic
   * @returns {number | undefined}
   */
  lastSeq(topic) {
    return this._seq.get(topic);
  }

  // --- connection -------------------------------------------------------------------------

  _open() {
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch (error) {
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this._openedAt = Date.now();
      this._setStatus("live");
      this._rejoinAll();
      this._flush();
    };
    ws.onmessage = (event) => {
      if (this.ws === ws) this._receive(event.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._closed(event.code);
    };
    ws.onerror = () => {
      // Always followed by a close event, where the decision is made.
    };
  }

  _closed(code) {
    if (this._openedAt && Date.now() - this._openedAt >= this.stableAfter) this._attempt = 0;
    this._openedAt = 0;
    if (this._stopped) return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this._stop("signed_out");
      return;
    }
    for (const [ref, pending] of this._pending) {
      if (!pending.sent) continue;
      if (pending.resend) {
        // A join in flight is sent again once reconnected (its reply clock restarts then).
        pending.sent = false;
        clearTimeout(pending.timer);
      } else {
        // The frame may or may not have arrived: the caller decides (client_id makes resends safe).
        this._settle(ref, new BackstageSocketError("disconnected", "Connection lost before the reply."));
      }
    }
    for (const entry of this._topics.values()) entry.rejoining = entry.joined;
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    if (this._stopped) return;
    // Exponential backoff with jitter: a server restart must not see every tab come back at once.
    const ceiling = Math.min(this.maxDelay, this.minDelay * 2 ** this._attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this._attempt += 1;
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._open(), delay);
    this._setStatus("reconnecting");
  }

  _reconnectNow() {
    clearTimeout(this._retryTimer);
    this._setStatus("reconnecting");
    this._open();
  }

  _stop(status) {
    this._stopped = true;
    clearTimeout(this._retryTimer);
    globalThis.removeEventListener?.("online", this._onOnline);
    for (const ref of [...this._pending.keys()]) {
      this._settle(ref, new BackstageSocketError(status, "The connection is closed."));
    }
    this._setStatus(status);
  }

  _setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    for (const handler of [...this._statusHandlers]) handler(status);
  }

  // --- frames -----------------------------------------------------------------------------

  _joinFrame(topic, entry) {
    const data = { ...entry.data };
    const seq = this._seq.get(topic);
    if (seq !== undefined) data.last_seq = seq;
    return { type: "join", topic, data };
  }

  _rejoinAll() {
    for (const [topic, entry] of this._topics) {
      if (!entry.rejoining) continue;
      entry.rejoining = false;
      this._request(() => this._joinFrame(topic, entry)).then(
        (reply) => {
          this._noteHistory(topic, reply);
          this._dispatch({ type: "rejoined", topic, data: reply });
        },
        (error) => {
          if (error.code === "disconnected" || error.code === "closed" || error.code === "signed_out") return;
          if (this._topics.get(topic) === entry) this._topics.delete(topic);
          this._dispatch({ type: "join.failed", topic, data: { code: error.code, message: error.message } });
        },
      );
    }
  }

  /**
   * Frames wait while the socket is down and go out once it is open; the reply clock starts
   * when a frame is written.
   * @param {() => Record<string, any>} build  makes the frame when it is sent (so last_seq is fresh)
   * @param {{resend?: boolean}} [options]
   */
  _request(build, { resend = false } = {}) {
    if (this.status === "signed_out" || this.status === "closed") {
      return Promise.reject(new BackstageSocketError(this.status, "The connection is closed."));
    }
    const ref = `c${this._nextRef++}`;
    return new Promise((resolve, reject) => {
      this._pending.set(ref, { build, resolve, reject, timer: null, sent: false, resend });
      if (this.status === "live") this._sendPending(ref);
    });
  }

  _flush() {
    for (const ref of [...this._pending.keys()]) {
      if (!this._pending.get(ref)?.sent) this._sendPending(ref);
    }
  }

  _sendPending(ref) {
    const pending = this._pending.get(ref);
    if (!pending || !this.ws || this.ws.readyState !== 1) return;
    pending.sent = true;
    pending.timer = setTimeout(() => {
      this._settle(ref, new BackstageSocketError("timeout", "No reply from the server in time."));
    }, this.replyTimeout);
    this._write({ ...pending.build(), ref });
  }

  _write(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  _settle(ref, error, data) {
    const pending = this._pending.get(ref);
    if (!pending) return;
    this._pending.delete(ref);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(data);
  }

  _receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    if (frame.type === "reply") {
      if (typeof frame.ref !== "string") return; // an error about a frame we could not have sent
      if (frame.ok) {
        this._settle(frame.ref, null, frame.data || {});
      } else {
        const error = frame.error || {};
        this._settle(frame.ref, new BackstageSocketError(error.code || "internal", error.message, error));
      }
      return;
    }
    if (frame.type === "ping") {
      // Keep-alive: answer at once, so the server does not close us as idle (4408).
      this._write({ type: "pong" });
      return;
    }
    const push = { type: frame.type, topic: frame.topic ?? null, data: frame.data || {} };
    if (push.topic && typeof push.data.seq === "number") this._noteSeq(push.topic, push.data.seq);
    // The server took us out of the topic (access withdrawn, room ended): do not rejoin it.
    if (push.type === "left" && push.topic) this._topics.delete(push.topic);
    this._dispatch(push);
  }

  _noteSeq(topic, seq) {
    const current = this._seq.get(topic);
    if (current === undefined || seq > current) this._seq.set(topic, seq);
  }

  _noteHistory(topic, reply) {
    for (const item of reply?.history || []) {
      if (typeof item?.seq === "number") this._noteSeq(topic, item.seq);
    }
  }

  _dispatch(push) {
    for (const key of [push.type, "*"]) {
      for (const handler of [...(this._handlers.get(key) || [])]) {
        try {
          handler(push);
        } catch (error) {
          // One broken listener must not starve the others; the error still reaches the console.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
  }
}
