// One WebSocket to the server's /ws: one protocol message (a JSON object) per text frame, the same
// messages as the framed TCP listener (docs/PROTOCOL.md, docs/WEB.md). Requests get ids and
// promises; events are dispatched; the server's ping is answered; a silent link is noticed.

/** A refusal from the server: the error frame's code and message. */
export class ChatError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

/** The connection closed (or never opened) before the reply came. */
export class Disconnected extends Error {
  constructor() {
    super('not connected');
    this.code = 'disconnected';
  }
}

const REQUEST_TIMEOUT_MS = 20000;

/**
 * Events (EventTarget): 'open'; 'message' (detail: a decoded server message that is not the
 * reply to one of our requests: events, and errors without an id); 'frame' (detail: {dir, text}
 * for every frame in and out, as on the wire); 'close' (detail: {reason}), fired exactly once.
 */
export class Connection extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.closed = false;
    this.lastHeard = Date.now();
    this.probeSent = 0;
    this.heartbeatMs = 30000;
    this.ws = new WebSocket(url);
    this.ws.addEventListener('open', () => {
      this.lastHeard = Date.now();
      this.timer = setInterval(() => this.watch(), 1000);
      this.dispatchEvent(new Event('open'));
    });
    this.ws.addEventListener('message', (e) => this.onFrame(e.data));
    this.ws.addEventListener('close', (e) => this.finish(e.reason || (e.wasClean ? 'closed' : 'connection lost')));
    this.ws.addEventListener('error', () => this.finish('connection failed'));
  }

  get open() {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a request with a fresh id; resolves with the direct reply, rejects with ChatError or Disconnected. */
  request(msg) {
    if (!this.open) return Promise.reject(new Disconnected());
    const id = `w${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.pending.delete(id);
        reject(new ChatError('timeout', 'the server did not answer in time'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timeout });
      this.write({ ...msg, id });
    });
  }

  /** Sends a message that needs no reply. Returns false when not connected. */
  send(msg) {
    if (!this.open) return false;
    this.write(msg);
    return true;
  }

  write(msg) {
    const text = JSON.stringify(msg);
    this.ws.send(text);
    this.dispatchEvent(new CustomEvent('frame', { detail: { dir: 'out', text } }));
  }

  onFrame(data) {
    if (typeof data !== 'string') return; // the server sends text frames only
    this.lastHeard = Date.now();
    this.probeSent = 0;
    this.dispatchEvent(new CustomEvent('frame', { detail: { dir: 'in', text: data } }));
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (msg.type === 'ping') {
      this.send(msg.id === undefined ? { type: 'pong' } : { type: 'pong', id: msg.id });
      return;
    }
    if (msg.id !== undefined && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      clearTimeout(p.timeout);
      if (msg.type === 'error') p.reject(new ChatError(msg.code, msg.message));
      else p.resolve(msg);
      return;
    }
    this.dispatchEvent(new CustomEvent('message', { detail: msg }));
  }

  /**
   * A dropped network does not always close a WebSocket soon. When nothing came for half the
   * heartbeat (at most 15 s) we ping; if nothing answers within 10 s more, the link is dead.
   */
  watch() {
    const now = Date.now();
    const quiet = Math.min(15000, Math.max(2000, this.heartbeatMs / 2));
    if (this.probeSent && now - this.probeSent > 10000) {
      this.close('no answer from the server');
    } else if (!this.probeSent && now - this.lastHeard > quiet) {
      this.probeSent = now;
      this.send({ type: 'ping' });
    }
  }

  /** Closes the socket; 'close' fires once, with this reason. */
  close(reason = 'closed') {
    try {
      this.ws.close(1000);
    } catch {
      // already closing
    }
    this.finish(reason);
  }

  finish(reason) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const p of this.pending.values()) {
      clearTimeout(p.timeout);
      p.reject(new Disconnected());
    }
    this.pending.clear();
    this.dispatchEvent(new CustomEvent('close', { detail: { reason } }));
  }
}
