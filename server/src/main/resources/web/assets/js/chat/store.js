// What the page knows: rooms and direct conversations, their messages in seq order without
// duplicates, members, unread counts. No DOM and no network here; the view listens to events.

/** Messages asked for per page when scrolling back. */
export const PAGE = 50;
/** Items kept per conversation; beyond this the oldest are dropped (and can be fetched again). */
export const MAX_ITEMS = 5000;
/** Own lines waiting for the server, per conversation. */
export const MAX_PENDING = 200;

const NICK_RE = /^[A-Za-z0-9_-]{1,32}$/;
const ROOM_RE = /^#?[A-Za-z0-9_.-]{1,64}$/;

export const validNick = (s) => NICK_RE.test(s);
export const validRoom = (s) => ROOM_RE.test(s);
/** A room's canonical name, as the server reports it: lower case, no '#'. */
export const canonicalRoom = (s) => s.trim().replace(/^#/, '').toLowerCase();

let nextItemId = 1;

/** One room or one direct conversation. */
export class Conversation {
  constructor(kind, name) {
    this.kind = kind; // 'room' | 'dm'
    this.name = name; // canonical room name, or the other person's nick
    this.key = kind === 'room' ? `#${name}` : `@${name.toLowerCase()}`;
    this.items = []; // sorted by (epoch, seq, sub); messages and system lines
    this.pending = []; // own lines the server has not confirmed yet
    this.seqs = new Set(); // seqs held in the current epoch: a room message is shown once
    this.epoch = 0; // counts history restarts (a server without durable history came back)
    this.maxSeq = 0; // highest seq held in the current epoch
    this.lastSeen = 0; // every message of the epoch up to here was received: the resume point
    this.cursor = null; // lowest seq asked for while paging back
    this.atStart = false; // paged back to the first message
    this.loadingOlder = false;
    this.unread = 0;
    this.mentions = 0;
    this.members = new Map(); // lower-case nick -> nick
    this.operators = new Set(); // lower-case nicks of members who are operators
    this.voiced = new Set(); // lower-case nicks of voiced members
    this.topic = ''; // '' = none
    this.joined = false;
    this.phase = 'new'; // new | catching-up | live | stale
    this.sub = 0; // orders system lines and direct messages
    this.history = []; // lines sent from here, for the Up key
  }

  get title() {
    return this.kind === 'room' ? `#${this.name}` : this.name;
  }

  bySeq(seq) {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i];
      if (it.epoch === this.epoch && it.seq === seq && it.kind === 'msg') return it;
      if (it.epoch < this.epoch) break;
    }
    return null;
  }

  minSeq() {
    const first = this.items.find((it) => it.epoch === this.epoch && it.kind === 'msg' && it.seq > 0);
    return first ? first.seq : 0;
  }
}

function compare(a, b) {
  return a.epoch - b.epoch || a.seq - b.seq || a.sub - b.sub;
}

/**
 * Events: 'insert' {conv, item, index}, 'trim' {conv, count} (oldest items dropped), 'reset' {conv}
 * (redraw it), 'pending' {conv}, 'list' (conversations, counts or members changed).
 */
export class Store extends EventTarget {
  constructor() {
    super();
    this.rooms = new Map(); // canonical name -> Conversation
    this.dms = new Map(); // lower-case nick -> Conversation
    this.current = null;
    this.nick = '';
    this.directory = []; // [{room, members}] from the last rooms reply
    this.mentionRe = null;
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setNick(nick) {
    this.nick = nick;
    const esc = nick.replace(/[-]/g, '\\-');
    this.mentionRe = new RegExp(`(^|[^A-Za-z0-9_-])(${esc})(?![A-Za-z0-9_-])`, 'i');
  }

  isMe(nick) {
    return nick.toLowerCase() === this.nick.toLowerCase();
  }

  /** Does this text mention us? Returns [start, end] of the first mention, or null. */
  mention(text) {
    if (!this.mentionRe) return null;
    const m = this.mentionRe.exec(text);
    return m ? [m.index + m[1].length, m.index + m[1].length + m[2].length] : null;
  }

  room(name, create = true) {
    const key = canonicalRoom(name);
    let conv = this.rooms.get(key);
    if (!conv && create) {
      conv = new Conversation('room', key);
      this.rooms.set(key, conv);
      this.emit('list');
    }
    return conv || null;
  }

  dm(nick, create = true) {
    const key = nick.toLowerCase();
    let conv = this.dms.get(key);
    if (!conv && create) {
      conv = new Conversation('dm', nick);
      this.dms.set(key, conv);
      this.emit('list');
    }
    return conv || null;
  }

  removeRoom(conv) {
    this.rooms.delete(conv.name);
    if (this.current === conv) this.current = null;
    this.emit('list');
  }

  /** Rooms then direct conversations, in the order shown (Alt+1..9 follows it). */
  conversations() {
    return [...this.rooms.values(), ...this.dms.values()];
  }

  select(conv) {
    this.current = conv;
    if (conv) {
      conv.unread = 0;
      conv.mentions = 0;
    }
    this.emit('reset', { conv });
    this.emit('list');
  }

  isVisible(conv) {
    return this.current === conv && document.visibilityState === 'visible';
  }

  /** Inserts an item at its place; returns its index. */
  insert(conv, item) {
    item.id = nextItemId++;
    let lo = 0;
    let hi = conv.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(conv.items[mid], item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    conv.items.splice(lo, 0, item);
    this.emit('insert', { conv, item, index: lo });
    if (conv.items.length > MAX_ITEMS) {
      const count = conv.items.length - MAX_ITEMS;
      const dropped = conv.items.splice(0, count);
      for (const it of dropped) if (it.epoch === conv.epoch && it.kind === 'msg') conv.seqs.delete(it.seq);
      const oldest = conv.minSeq();
      if (oldest) conv.cursor = oldest;
      conv.atStart = false;
      this.emit('trim', { conv, count });
    }
    return lo;
  }

  /**
   * A room message (live or from history). Returns false if it is already there (same room,
   * same seq): a message is never shown twice, however often it arrives.
   */
  addRoomMessage(conv, m, live) {
    if (!Number.isSafeInteger(m.seq) || conv.seqs.has(m.seq)) return false;
    conv.seqs.add(m.seq);
    conv.maxSeq = Math.max(conv.maxSeq, m.seq);
    const own = this.isMe(m.from);
    const mention = own ? null : this.mention(m.text);
    const item = { kind: 'msg', epoch: conv.epoch, seq: m.seq, sub: 0, from: m.from, text: m.text, ts: m.ts, own, mention };
    this.insert(conv, item);
    if (live && !own) this.countUnread(conv, item);
    return true;
  }

  /** A direct message, received or (own) confirmed by the server's ok. */
  addDirect(conv, { from, text, ts, own }) {
    const mention = null;
    const item = { kind: 'msg', epoch: 0, seq: 0, sub: ++conv.sub, from, text, ts, own, mention, direct: true };
    this.insert(conv, item);
    if (!own) this.countUnread(conv, item, true);
  }

  /** A system line (joins, errors, history notes) after everything held so far. */
  addSystem(conv, text, cls = '') {
    if (!conv) return;
    const seq = conv.kind === 'room' ? conv.maxSeq : 0;
    this.insert(conv, { kind: 'sys', epoch: conv.epoch, seq, sub: 1e9 + ++conv.sub, text, ts: Date.now(), cls });
  }

  countUnread(conv, item, important = false) {
    if (this.isVisible(conv)) return;
    conv.unread++;
    if (item.mention || important) conv.mentions++;
    this.emit('list');
    this.emit('notify', { conv, item });
  }

  /** The room's history on the server starts again: later seqs are a new sequence. */
  newEpoch(conv, note) {
    conv.epoch++;
    conv.seqs.clear();
    conv.maxSeq = 0;
    conv.lastSeen = 0;
    conv.cursor = null;
    conv.atStart = false;
    this.insert(conv, { kind: 'sys', epoch: conv.epoch, seq: 0, sub: -1, text: note, ts: Date.now(), cls: 'divider' });
  }

  setMembers(conv, nicks, operators = [], voiced = []) {
    conv.members = new Map(nicks.map((n) => [n.toLowerCase(), n]));
    conv.operators = new Set(operators.filter((n) => typeof n === 'string').map((n) => n.toLowerCase()));
    conv.voiced = new Set(voiced.filter((n) => typeof n === 'string').map((n) => n.toLowerCase()));
    this.emit('list');
  }

  /** A room's topic changed (or was told on join). */
  setTopic(conv, topic, by) {
    conv.topic = typeof topic === 'string' ? topic : '';
    if (by !== undefined) {
      this.addSystem(conv, conv.topic ? `${by || 'Someone'} set the topic: ${conv.topic}` : `${by || 'Someone'} cleared the topic`);
    }
    this.emit('list');
  }

  /** '@' for an operator, '+' for a voiced member, '' otherwise. */
  roleOf(conv, nick) {
    const key = nick.toLowerCase();
    if (conv.operators.has(key)) return '@';
    return conv.voiced.has(key) ? '+' : '';
  }

  /** An operator changed a room's settings or bans ({type:'mode'} event). */
  modeEvent(conv, m) {
    const by = typeof m.by === 'string' ? ` (by ${m.by})` : '';
    let what = null;
    if (typeof m.invite_only === 'boolean') what = m.invite_only ? 'The room is invite-only now' : 'The room is open to everyone now';
    else if (typeof m.moderated === 'boolean') what = m.moderated ? 'The room is moderated now: only operators and voiced members speak' : 'The room is not moderated any more';
    else if (typeof m.secret === 'boolean') what = m.secret ? 'The room is secret now' : 'The room is public now';
    else if (typeof m.ban === 'string') what = `${m.ban} is banned from the room`;
    else if (typeof m.unban === 'string') what = `${m.unban} is no longer banned`;
    if (what) this.addSystem(conv, what + by);
  }

  memberEvent(conv, m) {
    const nick = m.nick;
    switch (m.event) {
      case 'join':
        conv.members.set(nick.toLowerCase(), nick);
        this.addSystem(conv, `${nick} joined`);
        break;
      case 'part':
      case 'quit':
        conv.members.delete(nick.toLowerCase());
        this.addSystem(conv, `${nick} ${m.event === 'part' ? 'left' : 'disconnected'}`);
        break;
      case 'nick':
        if (typeof m.old === 'string') {
          const old = m.old.toLowerCase();
          conv.members.delete(old);
          if (conv.operators.delete(old)) conv.operators.add(nick.toLowerCase());
          if (conv.voiced.delete(old)) conv.voiced.add(nick.toLowerCase());
        }
        conv.members.set(nick.toLowerCase(), nick);
        this.addSystem(conv, `${m.old} is now ${nick}`);
        break;
      case 'op':
      case 'deop':
      case 'voice':
      case 'devoice': {
        const set = m.event.endsWith('op') ? conv.operators : conv.voiced;
        if (m.event.startsWith('de')) set.delete(nick.toLowerCase());
        else set.add(nick.toLowerCase());
        const by = typeof m.by === 'string' ? ` (by ${m.by})` : '';
        const text = { op: 'is an operator now', deop: 'is no longer an operator', voice: 'may speak now', devoice: 'is no longer voiced' }[m.event];
        this.addSystem(conv, `${nick} ${text}${by}`);
        break;
      }
      case 'kick':
        conv.members.delete(nick.toLowerCase());
        conv.operators.delete(nick.toLowerCase());
        conv.voiced.delete(nick.toLowerCase());
        this.addSystem(conv, `${nick} was kicked${typeof m.by === 'string' ? ` by ${m.by}` : ''}${m.reason ? ` (${m.reason})` : ''}`);
        break;
      default:
        return;
    }
    this.emit('list');
  }

  pendingChanged(conv) {
    this.emit('pending', { conv });
  }
}
