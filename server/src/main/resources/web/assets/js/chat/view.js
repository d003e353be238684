// Draws the store: conversation lists, the message log, members, the connection banner.
// Text from the network only ever goes in as text (el(), textContent), never as HTML.

import { $, clear, el, formatFull, formatTime, nickSpan, safeLink } from '../lib/dom.js';

const URL_RE = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]}'"]/g;
const GROUP_MS = 5 * 60 * 1000;

/** Text with links (http and https only) and the mention highlighted, as DOM nodes. */
function richText(text, mention) {
  const out = el('span', { class: 'text' });
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    if (m.index > last) parts.push([text.slice(last, m.index), false]);
    parts.push([m[0], true]);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push([text.slice(last), false]);
  let pos = 0;
  for (const [chunk, isUrl] of parts) {
    const start = pos;
    pos += chunk.length;
    if (isUrl) {
      out.append(safeLink(chunk));
    } else if (mention && mention[0] >= start && mention[1] <= pos) {
      out.append(chunk.slice(0, mention[0] - start), el('mark', { text: chunk.slice(mention[0] - start, mention[1] - start) }),
        chunk.slice(mention[1] - start));
    } else {
      out.append(chunk);
    }
  }
  return out;
}

function messageNode(item) {
  if (item.kind === 'sys') {
    return el('li', { class: `sys ${item.cls || ''}`.trim(), title: formatFull(item.ts) }, item.text);
  }
  const cls = ['msg'];
  if (item.mention) cls.push('mention');
  if (item.own) cls.push('own');
  const li = el('li', { class: cls.join(' '), dataset: item.seq ? { seq: String(item.seq) } : {} },
    el('time', { class: 'time', datetime: new Date(item.ts).toISOString(), title: formatFull(item.ts) }, formatTime(item.ts)),
    el('div', { class: 'body' }, nickSpan(item.from), richText(item.text, item.mention)));
  li.dataset.from = item.from;
  return li;
}

function pendingNode(p, nick) {
  const state = p.state === 'failed' ? `not sent: ${p.error}` : p.state === 'stored' ? 'sent' : 'sending…';
  return el('li', { class: `msg own${p.state === 'failed' ? ' failed' : ''}` },
    el('time', { class: 'time' }, formatTime(p.ts)),
    el('div', { class: 'body' }, nickSpan(nick), el('span', { class: 'text' }, p.text), el('span', { class: 'state' }, state)));
}

/** Marks a message as a continuation of the one before (same sender within five minutes). */
function regroup(node) {
  if (!node || !node.classList.contains('msg')) return;
  const prev = node.previousElementSibling;
  const item = node.item;
  const cont = prev && prev.item && prev.item.kind === 'msg' && item && prev.item.from === item.from
    && Math.abs(item.ts - prev.item.ts) < GROUP_MS && !item.mention;
  node.classList.toggle('cont', Boolean(cont));
  node.classList.toggle('first', !cont);
}

export class ChatView {
  constructor(store, session) {
    this.store = store;
    this.session = session;
    this.log = $('log');
    this.list = $('messages');
    this.pendingList = $('pending');
    store.addEventListener('insert', (e) => this.onInsert(e.detail));
    store.addEventListener('trim', (e) => this.onTrim(e.detail));
    store.addEventListener('reset', (e) => { if (e.detail.conv === store.current) this.renderLog(); });
    store.addEventListener('pending', (e) => { if (e.detail.conv === store.current) this.renderPending(); });
    store.addEventListener('list', () => this.renderLists());
    session.addEventListener('status', (e) => this.renderStatus(e.detail));
  }

  atBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
  }

  scrollToBottom() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  onInsert({ conv, item, index }) {
    if (conv !== this.store.current) return;
    const stick = this.atBottom();
    const appending = index >= this.list.children.length;
    const before = this.log.scrollHeight - this.log.scrollTop;
    const node = messageNode(item);
    node.item = item;
    this.list.insertBefore(node, this.list.children[index] || null);
    regroup(node);
    regroup(node.nextElementSibling);
    if (appending && (stick || item.own)) this.scrollToBottom();
    else if (!appending) this.log.scrollTop = this.log.scrollHeight - before; // older lines above: keep the view still
    this.renderLogTop();
  }

  onTrim({ conv, count }) {
    if (conv !== this.store.current) return;
    for (let i = 0; i < count && this.list.firstChild; i++) this.list.firstChild.remove();
    regroup(this.list.firstElementChild);
    this.renderLogTop();
  }

  renderLog() {
    const conv = this.store.current;
    clear(this.list);
    if (conv) {
      const frag = document.createDocumentFragment();
      for (const item of conv.items) {
        const node = messageNode(item);
        node.item = item;
        frag.append(node);
      }
      this.list.append(frag);
      for (const node of this.list.children) regroup(node);
    }
    this.renderPending();
    this.renderHeader();
    this.renderLogTop();
    this.scrollToBottom();
  }

  renderPending() {
    const conv = this.store.current;
    const stick = this.atBottom();
    clear(this.pendingList);
    if (conv) for (const p of conv.pending) this.pendingList.append(pendingNode(p, this.store.nick));
    if (stick) this.scrollToBottom();
  }

  renderLogTop() {
    const conv = this.store.current;
    const room = conv && conv.kind === 'room';
    $('older').hidden = !room || conv.atStart;
    $('older').disabled = Boolean(room && conv.loadingOlder);
    $('older').textContent = room && conv.loadingOlder ? 'Loading…' : 'Load older messages';
    $('log-start').hidden = !room || !conv.atStart;
    $('log-start').textContent = room && conv.epoch > 0 ? 'Start of the current history' : 'Start of the history';
  }

  renderHeader() {
    const conv = this.store.current;
    $('conv-title').textContent = conv ? conv.title : '';
    $('part-button').hidden = !conv || conv.kind !== 'room';
    $('members-toggle').hidden = !conv || conv.kind !== 'room';
    if (!conv) {
      $('conv-sub').textContent = 'Join a room to start';
    } else if (conv.kind === 'room') {
      $('conv-sub').textContent = roomSub(conv);
    } else {
      $('conv-sub').textContent = 'Direct messages are not kept by the server';
    }
    $('input').placeholder = conv ? `Message ${conv.title}` : 'Join a room first (/join name)';
  }

  convButton(conv, index) {
    const kids = [];
    if (conv.kind === 'room') kids.push(el('span', { class: 'hash' }, '#'));
    else kids.push(nickSpan(conv.name));
    const name = el('span', { class: 'name' }, conv.kind === 'room' ? conv.name : '');
    kids.push(name);
    if (conv.unread > 0) kids.push(el('span', { class: `badge ${conv.mentions ? 'mention' : ''}`, 'aria-label': `${conv.unread} unread` }, String(conv.unread)));
    else if (conv.kind === 'room') kids.push(el('span', { class: 'count', title: 'members' }, String(conv.members.size)));
    if (index < 9) kids.push(el('span', { class: 'key only-wide', 'aria-hidden': 'true' }, `⌥${index + 1}`));
    return el('button', {
      type: 'button',
      class: conv.unread > 0 ? 'unread' : '',
      'aria-current': conv === this.store.current ? 'true' : 'false',
      title: index < 9 ? `Alt+${index + 1}` : '',
      dataset: { key: conv.key },
      onclick: () => this.select(conv),
    }, kids);
  }

  renderLists() {
    const store = this.store;
    const convs = store.conversations();
    const rooms = $('room-list');
    const dms = $('dm-list');
    clear(rooms);
    clear(dms);
    convs.forEach((conv, i) => {
      const li = el('li', {}, this.convButton(conv, i));
      (conv.kind === 'room' ? rooms : dms).append(li);
    });
    if (!rooms.firstChild) rooms.append(el('li', { class: 'empty muted' }, 'No room yet'));
    if (!dms.firstChild) dms.append(el('li', { class: 'empty muted' }, 'Click a member to write to them'));

    const dir = $('directory-list');
    clear(dir);
    for (const r of store.directory.slice(0, 500)) {
      if (typeof r.room !== 'string') continue;
      const joined = store.rooms.has(r.room);
      dir.append(el('li', {}, el('button', {
        type: 'button',
        title: joined ? 'joined' : `join #${r.room}`,
        onclick: () => (joined ? this.select(store.room(r.room)) : this.onJoin(r.room)),
      }, el('span', { class: 'hash' }, '#'), el('span', { class: 'name' }, r.room),
      el('span', { class: 'count' }, `${r.members} ${joined ? '✓' : ''}`.trim()))));
    }
    if (!dir.firstChild) dir.append(el('li', { class: 'empty muted' }, 'No rooms listed yet'));

    const total = convs.reduce((n, c) => n + c.unread, 0);
    const conv = store.current;
    document.title = `${total ? `(${total}) ` : ''}${conv ? `${conv.title} · ` : ''}chat`;
    this.renderMembers();
    this.renderHeaderCounts();
    this.renderLogTop();
  }

  renderHeaderCounts() {
    const conv = this.store.current;
    if (conv && conv.kind === 'room') {
      $('conv-sub').textContent = roomSub(conv);
    }
  }

  renderMembers() {
    const conv = this.store.current;
    const list = $('member-list');
    clear(list);
    if (!conv || conv.kind !== 'room') {
      $('members-title').textContent = 'Members';
      return;
    }
    const nicks = [...conv.members.values()].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    $('members-title').textContent = `Members · ${nicks.length}`;
    for (const nick of nicks.slice(0, 1000)) {
      const me = this.store.isMe(nick);
      list.append(el('li', {}, el('button', {
        type: 'button',
        title: me ? 'you' : `write to ${nick}`,
        onclick: () => { if (!me) this.select(this.store.dm(nick)); },
      }, el('span', { class: 'dot online' }), roleSpan(this.store.roleOf(conv, nick)), nickSpan(nick),
        me ? el('span', { class: 'you' }, 'you') : null)));
    }
  }

  renderStatus({ state, text, retryAt }) {
    const banner = $('banner');
    $('conn-dot').className = `dot ${state === 'online' ? 'online' : state === 'offline' ? 'offline' : 'away'}`;
    $('conn-dot').title = state;
    clearInterval(this.countdown);
    if (state === 'online') {
      banner.hidden = true;
      return;
    }
    banner.hidden = false;
    banner.classList.toggle('bad', state === 'offline');
    const retry = $('banner-retry');
    retry.hidden = state !== 'reconnecting';
    const show = () => {
      const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      $('banner-text').textContent = retryAt && left > 0 ? `${text} Reconnecting in ${left} s…` : text || 'Reconnecting…';
    };
    show();
    if (retryAt) this.countdown = setInterval(show, 500);
  }

  select(conv) {
    this.store.select(conv);
    document.getElementById('app').classList.remove('show-sidebar', 'show-members');
    $('scrim').hidden = true;
    $('input').focus();
  }

  /** Set by main.js: joins a room from the directory. */
  onJoin() {}
}

/** The line under a room's title: its member count and its topic. */
function roomSub(conv) {
  const n = conv.members.size;
  const members = `${n} member${n === 1 ? '' : 's'}`;
  return conv.topic ? `${members} · ${conv.topic}` : members;
}

/** '@' (operator) or '+' (voiced) before a member's nick. */
function roleSpan(role) {
  if (!role) return null;
  return el('span', { class: 'role', title: role === '@' ? 'operator' : 'voiced' }, role);
}
