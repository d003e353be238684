// The chat session over /ws: register, join, catch up after a reconnect with `history after_seq`,
// send with ids until the server confirms, reconnect with backoff. Mirrors the terminal client's
// rules (docs/CLIENT.md, "Connection loss, reconnecting, nothing lost or doubled").

import { Connection, ChatError, Disconnected } from '../lib/connection.js';
import { PAGE, MAX_PENDING } from './store.js';

/** History page size for catching up: the protocol's maximum. */
const CATCH_UP_PAGE = 500;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10000;
const DIRECTORY_EVERY_MS = 30000;

const sameMessage = (a, b) => a.from === b.from && a.ts === b.ts && a.text === b.text;

/**
 * Events: 'status' {state: connecting|online|reconnecting|offline, text, retryAt}; 'welcome'
 * {server, node, nick}; 'refused' {code, message} (the first hello failed: back to the login form);
 * 'frame' {dir, text}.
 */
export class ChatSession extends EventTarget {
  constructor(store, url) {
    super();
    this.store = store;
    this.url = url;
    this.conn = null;
    this.stopped = true;
    this.welcomed = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.directoryTimer = null;
    this.state = 'offline';
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  status(state, text = '', retryAt = 0) {
    this.state = state;
    this.emit('status', { state, text, retryAt });
  }

  get online() {
    return this.state === 'online' && this.conn !== null && this.conn.open;
  }

  /** Starts with a nick (and a password, once the server has accounts) and the rooms to join. */
  start(nick, password, rooms) {
    this.nick = nick;
    this.password = password || null;
    this.stopped = false;
    this.welcomed = false;
    this.attempt = 0;
    for (const r of rooms) this.store.room(r).wanted = true;
    this.connect();
  }

  /** Leaves: quit, close, no reconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.directoryTimer);
    if (this.conn) {
      this.conn.send({ type: 'quit', reason: 'left the page' });
      this.conn.close('left');
    }
    this.status('offline', 'You left the chat.');
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped || (this.conn && !this.conn.closed)) return;
    this.status('connecting', this.welcomed ? 'Reconnecting…' : 'Connecting…');
    const c = new Connection(this.url);
    this.conn = c;
    c.addEventListener('open', () => this.register(c));
    c.addEventListener('message', (e) => this.onEvent(e.detail));
    c.addEventListener('frame', (e) => this.emit('frame', e.detail));
    c.addEventListener('close', (e) => this.onClose(c, e.detail.reason));
  }

  /** Reconnect now instead of waiting for the backoff. */
  retryNow() {
    if (!this.stopped && (!this.conn || this.conn.closed)) {
      this.connect();
    }
  }

  onClose(c, reason) {
    if (c !== this.conn) return;
    clearInterval(this.directoryTimer);
    for (const conv of this.store.rooms.values()) {
      if (conv.joined) conv.phase = 'stale';
      for (const p of conv.pending) if (p.state === 'sending') p.state = 'queued';
    }
    for (const conv of this.store.dms.values()) {
      for (const p of conv.pending) if (p.state === 'sending') p.state = 'queued';
    }
    if (this.stopped) return;
    // exponential backoff with jitter: at once, then 250 ms doubling to 10 s, each drawn from the upper half
    const step = this.attempt === 0 ? 0 : Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.attempt - 1));
    const delay = step / 2 + (Math.random() * step) / 2;
    this.attempt++;
    const retryAt = Date.now() + delay;
    this.status('reconnecting', `Connection lost (${reason}).`, retryAt);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  async register(c) {
    const hello = { type: 'hello', nick: this.nick };
    if (this.password) hello.password = this.password; // only when the server has accounts (docs/WEB.md)
    let w;
    try {
      w = await c.request(hello);
    } catch (e) {
      if (e instanceof Disconnected) return;
      if (!this.welcomed) {
        this.stopped = true;
        c.close('refused');
        this.status('offline');
        this.emit('refused', { code: e.code, message: e.message });
      } else {
        // usually our old session still lingers on the server (it has not noticed the drop yet)
        this.status('reconnecting', e.code === 'nick_taken'
          ? 'Waiting for the server to let our previous connection go…' : `Refused: ${e.message}`);
        c.close(e.code);
      }
      return;
    }
    if (c !== this.conn) return;
    this.welcomed = true;
    this.attempt = 0;
    this.nick = w.nick;
    this.store.setNick(w.nick);
    if (Number.isInteger(w.heartbeat_ms) && w.heartbeat_ms > 0) c.heartbeatMs = w.heartbeat_ms;
    this.status('online', '');
    this.emit('welcome', { server: w.server, node: w.node, nick: w.nick });
    const rooms = [...this.store.rooms.values()].filter((r) => r.joined || r.wanted);
    await Promise.all(rooms.map((r) => this.join(r.name).catch((e) => this.joinFailed(r, e))));
    this.flushDirect();
    this.refreshDirectory();
    this.directoryTimer = setInterval(() => this.refreshDirectory(), DIRECTORY_EVERY_MS);
  }

  joinFailed(conv, e) {
    if (e instanceof Disconnected) return;
    conv.wanted = false;
    if (!conv.joined && conv.items.length === 0) {
      this.store.removeRoom(conv);
      this.store.addSystem(this.store.current, `Could not join #${conv.name}: ${e.message}`, 'error');
    } else {
      this.store.addSystem(conv, `Could not join again: ${e.message}`, 'error');
    }
  }

  /** Joins a room (creating it on the server if needed) and fetches what to show. */
  async join(name) {
    const c = this.conn;
    if (!this.online) throw new Disconnected();
    const j = await c.request({ type: 'join', room: name });
    const conv = this.store.room(j.room);
    conv.wanted = false;
    conv.joined = true;
    this.store.setMembers(conv, Array.isArray(j.members) ? j.members : [],
      Array.isArray(j.operators) ? j.operators : [], Array.isArray(j.voiced) ? j.voiced : []);
    this.store.setTopic(conv, j.topic);
    if (conv.maxSeq === 0 && conv.lastSeen === 0) {
      await this.loadLatest(c, conv, j.last_seq);
    } else {
      await this.catchUp(c, conv);
    }
    conv.phase = 'live';
    this.afterCatchUp(conv);
    this.store.emit('list');
    this.refreshDirectory();
    return conv;
  }

  async part(conv) {
    if (!this.online) throw new Disconnected();
    await this.conn.request({ type: 'part', room: conv.name });
    conv.joined = false;
    this.store.removeRoom(conv);
    this.refreshDirectory();
  }

  /** A room seen for the first time (or anew): its latest page. */
  async loadLatest(c, conv, lastSeq) {
    conv.phase = 'catching-up';
    const h = await c.request({ type: 'history', room: conv.name, limit: PAGE });
    const msgs = h.messages || [];
    for (const m of msgs) this.store.addRoomMessage(conv, m, false);
    const oldest = msgs.length ? msgs[0].seq : (Number.isSafeInteger(lastSeq) ? lastSeq : 0) + 1;
    conv.cursor = oldest;
    conv.atStart = oldest <= 1;
    conv.lastSeen = conv.maxSeq;
    this.store.emit('reset', { conv });
  }

  /**
   * After a reconnect: everything after the last seq seen, page by page. The first page starts
   * one message early, at the last one we saw; if that is not the same message, the server's
   * history of the room started again (a restart without durable history): show the new one.
   */
  async catchUp(c, conv) {
    conv.phase = 'catching-up';
    const anchor = conv.lastSeen;
    let page = await c.request({ type: 'history', room: conv.name, after_seq: Math.max(0, anchor - 1), limit: CATCH_UP_PAGE });
    let msgs = page.messages || [];
    if (anchor > 0) {
      const first = msgs[0];
      const held = conv.bySeq(anchor);
      const continues = first !== undefined
        && (first.seq > anchor || (first.seq === anchor && (held === null || sameMessage(first, held))));
      if (!continues) {
        this.store.newEpoch(conv, 'The server\'s history of this room starts again (it was restarted, or this is another server)');
        await this.loadLatest(c, conv, 0);
        return;
      }
      if (first.seq > anchor + 1) {
        this.store.addSystem(conv, `${first.seq - anchor - 1} messages are no longer in the server's history`);
      }
    }
    for (;;) {
      for (const m of msgs) this.matchEcho(conv, m) || this.store.addRoomMessage(conv, m, true);
      if (msgs.length < CATCH_UP_PAGE) break;
      page = await c.request({ type: 'history', room: conv.name, after_seq: msgs[msgs.length - 1].seq, limit: CATCH_UP_PAGE });
      msgs = page.messages || [];
    }
    conv.lastSeen = conv.maxSeq;
  }

  /** Lines we sent before the drop: confirmed ones are done, the rest go again, in order. */
  afterCatchUp(conv) {
    conv.pending = conv.pending.filter((p) => p.state !== 'stored');
    this.store.pendingChanged(conv);
    for (const p of conv.pending) if (p.state === 'queued') this.trySay(conv, p);
  }

  /** Earlier pages when scrolling back: `history after_seq` below the oldest held. */
  async loadOlder(conv) {
    if (conv.kind !== 'room' || conv.atStart || conv.loadingOlder || !this.online || conv.phase !== 'live') return;
    conv.loadingOlder = true;
    this.store.emit('list');
    try {
      const cursor = conv.cursor ?? (conv.minSeq() || conv.lastSeen + 1);
      const after = Math.max(0, cursor - 1 - PAGE);
      const limit = cursor - 1 - after;
      if (limit > 0) {
        const epoch = conv.epoch;
        const h = await this.conn.request({ type: 'history', room: conv.name, after_seq: after, limit });
        if (epoch !== conv.epoch) return;
        for (const m of h.messages || []) this.store.addRoomMessage(conv, m, false);
      }
      conv.cursor = after + 1;
      conv.atStart = after === 0;
    } finally {
      conv.loadingOlder = false;
      this.store.emit('list');
    }
  }

  onEvent(m) {
    const store = this.store;
    switch (m.type) {
      case 'message':
        if (typeof m.room === 'string') {
          const conv = store.room(m.room, false);
          if (!conv) return;
          if (this.matchEcho(conv, m)) return;
          store.addRoomMessage(conv, m, true);
          if (conv.phase === 'live' && m.seq > conv.lastSeen) conv.lastSeen = m.seq;
        } else if (typeof m.from === 'string') {
          store.addDirect(store.dm(m.from), { from: m.from, text: m.text, ts: m.ts, own: false });
        }
        break;
      case 'member': {
        const conv = store.room(m.room, false);
        if (conv && typeof m.nick === 'string') {
          store.memberEvent(conv, m);
          if (m.event === 'kick' && store.isMe(m.nick)) this.kicked(conv, m);
        }
        break;
      }
      case 'topic': {
        const conv = store.room(m.room, false);
        if (conv) store.setTopic(conv, m.topic, m.by || null);
        break;
      }
      case 'mode': {
        const conv = store.room(m.room, false);
        if (conv) store.modeEvent(conv, m);
        break;
      }
      case 'invited':
        if (typeof m.room === 'string') {
          store.addSystem(store.current, `${m.by || 'Someone'} invites you to #${m.room}: /join ${m.room}`);
        }
        break;
      case 'bye':
        this.status('reconnecting', `The server said goodbye: ${m.reason || ''}`);
        break;
      case 'error':
        store.addSystem(store.current, `Server error: ${m.message || m.code}`, 'error');
        break;
      default:
        break; // presence and anything newer: not shown on this page
    }
  }

  /** Our own message coming back: it takes the place of its pending line. */
  matchEcho(conv, m) {
    if (!this.store.isMe(m.from)) return false;
    const i = conv.pending.findIndex((p) => p.text === m.text && p.state !== 'failed');
    if (i >= 0) {
      conv.pending.splice(i, 1);
      this.store.pendingChanged(conv);
    }
    const added = this.store.addRoomMessage(conv, m, false);
    if (conv.phase === 'live' && m.seq > conv.lastSeen) conv.lastSeen = m.seq;
    return added || i >= 0;
  }

  /** Sends a line to a room or a person; it shows as pending until the server confirms it. */
  say(conv, text) {
    if (conv.pending.length >= MAX_PENDING) {
      this.store.addSystem(conv, 'Too many lines are waiting for the server; this one was not sent.', 'error');
      return;
    }
    conv.history.push(text);
    if (conv.history.length > 50) conv.history.shift();
    const p = { text, state: 'queued', ts: Date.now(), delay: 0 };
    conv.pending.push(p);
    this.store.pendingChanged(conv);
    if (conv.kind === 'room') this.trySay(conv, p);
    else this.tryDirect(conv, p);
  }

  async trySay(conv, p) {
    if (!this.online || conv.phase !== 'live' || p.state !== 'queued') return;
    p.state = 'sending';
    this.store.pendingChanged(conv);
    const c = this.conn;
    try {
      await c.request({ type: 'say', room: conv.name, text: p.text });
      if (p.state === 'sending') p.state = 'stored'; // the echo removes it
    } catch (e) {
      this.sendFailed(conv, p, e, c, () => this.trySay(conv, p));
    }
    this.store.pendingChanged(conv);
  }

  async tryDirect(conv, p) {
    if (!this.online || p.state !== 'queued') return;
    p.state = 'sending';
    this.store.pendingChanged(conv);
    const c = this.conn;
    try {
      await c.request({ type: 'dm', to: conv.name, text: p.text });
      conv.pending.splice(conv.pending.indexOf(p), 1);
      this.store.addDirect(conv, { from: this.nick, text: p.text, ts: Date.now(), own: true });
    } catch (e) {
      this.sendFailed(conv, p, e, c, () => this.tryDirect(conv, p));
    }
    this.store.pendingChanged(conv);
  }

  sendFailed(conv, p, e, c, again) {
    if (e instanceof Disconnected) {
      if (p.state === 'sending') p.state = 'queued';
    } else if (e.code === 'rate_limited') {
      p.state = 'queued';
      p.delay = Math.min(5000, p.delay ? p.delay * 2 : 250);
      setTimeout(again, p.delay);
    } else if (e.code === 'timeout') {
      // unknown fate: reconnect, and the catch-up tells whether it arrived
      p.state = 'queued';
      c.close('a request timed out');
    } else {
      p.state = 'failed';
      p.error = e instanceof ChatError ? e.message : String(e);
    }
  }

  flushDirect() {
    for (const conv of this.store.dms.values()) {
      for (const p of conv.pending) if (p.state === 'queued') this.tryDirect(conv, p);
    }
  }

  /** We were kicked: the room is left (a reconnect does not join it again) and the reason shown where we are. */
  kicked(conv, m) {
    conv.joined = false;
    conv.wanted = false;
    this.store.removeRoom(conv);
    if (!this.store.current) {
      const next = this.store.conversations()[0];
      if (next) this.store.select(next);
    }
    const why = `You were kicked from #${conv.name}${typeof m.by === 'string' ? ` by ${m.by}` : ''}${m.reason ? `: ${m.reason}` : ''}`;
    this.store.addSystem(this.store.current, why, 'error');
    this.refreshDirectory();
  }

  /** A room operator's request (topic, op, kick, ban, mode, invite...): the server's answer, or an Error. */
  async moderate(request) {
    if (!this.online) throw new Disconnected();
    return this.conn.request(request);
  }

  async changeNick(nick) {
    if (!this.online) throw new Disconnected();
    await this.conn.request({ type: 'nick', nick });
    this.nick = nick;
    this.store.setNick(nick);
    this.emit('welcome', { nick });
  }

  async refreshDirectory() {
    if (!this.online) return;
    try {
      const r = await this.conn.request({ type: 'rooms' });
      this.store.directory = Array.isArray(r.rooms) ? r.rooms : [];
      this.store.emit('list');
    } catch {
      // shown again at the next refresh
    }
  }
}
