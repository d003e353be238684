// The chat page: login form, then the chat. Wires the store, the session over /ws and the view,
// and handles the keyboard: Enter sends, Shift+Enter breaks the line, Up recalls the last line
// sent here, Alt+1..9 switches conversation, Escape closes the drawers (docs/WEB.md).

import { $ } from '../lib/dom.js';
import { webSocketUrl } from '../lib/wire.js';
import { Store, validNick, validRoom, canonicalRoom } from './store.js';
import { ChatSession } from './session.js';
import { ChatView } from './view.js';
import { Notifier } from './notify.js';

const MAX_TEXT = 4000;
const store = new Store();
const session = new ChatSession(store, webSocketUrl('ws'));
const view = new ChatView(store, session);
const notifier = new Notifier($('notify-toggle'));
const app = $('app');
const input = $('input');

// ---- what survives a reload: the nick and rooms (localStorage), "in the chat" (this tab only) ----
const saved = {
  nick: () => localStorage.getItem('chat.nick') || '',
  rooms: () => {
    try {
      const r = JSON.parse(localStorage.getItem('chat.rooms') || '[]');
      return Array.isArray(r) ? r.filter((x) => typeof x === 'string' && validRoom(x)).slice(0, 100) : [];
    } catch {
      return [];
    }
  },
};

function saveRooms() {
  const rooms = [...store.rooms.values()].filter((r) => r.joined || r.wanted).map((r) => r.name);
  if (session.welcomed) localStorage.setItem('chat.rooms', JSON.stringify(rooms));
}

/** Asks the server what it offers; accounts show the password field (docs/WEB.md, GET api/info). */
async function capabilities() {
  try {
    const r = await fetch('api/info', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    return r.ok ? await r.json() : {};
  } catch {
    return {};
  }
}

function showLogin(error) {
  app.hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !error;
  $('login-error').textContent = error || '';
  $('login-nick').focus();
}

function enter(nick, password, rooms) {
  $('login').hidden = true;
  app.hidden = false;
  store.setNick(nick);
  $('me').textContent = nick;
  sessionStorage.setItem('chat.active', '1');
  session.start(nick, password, rooms);
  if (rooms.length) store.select(store.room(rooms[0]));
  else store.select(null);
  input.focus();
}

session.addEventListener('refused', (e) => {
  const { code, message } = e.detail;
  sessionStorage.removeItem('chat.active');
  store.rooms.clear();
  store.dms.clear();
  store.select(null);
  const why = {
    nick_taken: 'That nick is in use right now. Pick another one.',
    nick_registered: 'That nick belongs to an account: enter its password, or pick another nick.',
    login_failed: 'Wrong nick or password.',
    account_required: 'This server needs an account: enter your nick and password.',
  }[code];
  showLogin(why || `The server refused: ${message}`);
});
session.addEventListener('welcome', (e) => {
  $('me').textContent = e.detail.nick;
  localStorage.setItem('chat.nick', e.detail.nick);
  saveRooms();
});
store.addEventListener('list', saveRooms);
store.addEventListener('notify', (e) => {
  const { conv, item } = e.detail;
  if (conv.kind === 'dm' || item.mention) {
    notifier.show(conv.kind === 'dm' ? `${item.from} (direct)` : `${item.from} in ${conv.title}`, item.text, () => view.select(conv));
  }
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && store.current && store.current.unread) store.select(store.current);
});

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const nick = $('login-nick').value.trim();
  const room = $('login-room').value.trim();
  if (!validNick(nick)) {
    showLogin('A nick is 1 to 32 letters, digits, _ or -.');
    return;
  }
  if (room && !validRoom(room)) {
    showLogin('A room name is 1 to 64 letters, digits, _, - or . (a leading # is fine).');
    return;
  }
  const rooms = saved.nick().toLowerCase() === nick.toLowerCase() ? saved.rooms() : [];
  if (room && !rooms.includes(canonicalRoom(room))) rooms.unshift(canonicalRoom(room));
  localStorage.setItem('chat.nick', nick);
  const password = $('login-password').value;
  $('login-password').value = '';
  enter(nick, password, rooms);
});

// ---- joining, leaving, sending ----
function report(conv, e) {
  store.addSystem(conv || store.current, e.message || String(e), 'error');
}

async function joinRoom(name) {
  if (!validRoom(name)) {
    report(store.current, new Error(`"${name}" is not a room name: 1 to 64 letters, digits, _, - or .`));
    return;
  }
  const existing = store.room(name, false);
  if (existing && existing.joined) {
    view.select(existing);
    return;
  }
  try {
    const conv = await session.join(name);
    view.select(conv);
  } catch (e) {
    report(store.current, new Error(`Could not join #${canonicalRoom(name)}: ${e.message}`));
  }
}
view.onJoin = joinRoom;

async function partRoom(conv) {
  if (!conv || conv.kind !== 'room') return;
  try {
    await session.part(conv);
    const next = store.conversations()[0] || null;
    if (next) view.select(next);
    else store.select(null);
  } catch (e) {
    report(conv, e);
  }
}

const HELP = [
  '/join room — join (or create) a room',
  '/part — leave this room',
  '/msg nick text — a direct message',
  '/nick newnick — change your nick',
  '/topic [text] — show or set this room\'s topic',
  '/op nick, /deop nick, /voice nick, /devoice nick — roles in this room (operators)',
  '/kick nick [reason], /ban mask, /unban mask — keep someone out (operators)',
  '/mode [+i|-i +m|-m +s|-s] — this room\'s settings: invite-only, moderated, secret',
  '/invite nick — invite someone to this room',
  '//text — send a line that starts with /',
];

/** The room of the current conversation, or null after saying that the command needs one. */
function currentRoom(cmd) {
  const conv = store.current;
  if (!conv || conv.kind !== 'room') {
    report(conv, new Error(`/${cmd} works on a room: use it in a room`));
    return null;
  }
  return conv;
}

/** The operators' commands and /topic: the result comes back as events; only refusals are shown here. */
async function moderate(cmd, rest) {
  const conv = currentRoom(cmd);
  if (!conv) return;
  const room = conv.name;
  const [first, ...words] = rest;
  let request;
  switch (cmd) {
    case 'topic':
      request = { type: 'topic', room };
      if (rest.length) request.topic = rest.join(' ');
      break;
    case 'op': case 'deop': case 'voice': case 'devoice': case 'invite':
      if (!first || !validNick(first)) throw new Error(`Usage: /${cmd} nick`);
      request = { type: cmd, room, nick: first };
      break;
    case 'kick':
      if (!first || !validNick(first)) throw new Error('Usage: /kick nick [reason]');
      request = { type: 'kick', room, nick: first };
      if (words.length) request.reason = words.join(' ');
      break;
    case 'ban': case 'unban':
      if (!first) throw new Error(`Usage: /${cmd} mask (a nick, or a pattern with * and ?)`);
      request = { type: cmd, room, mask: first };
      break;
    case 'mode':
      request = { type: 'mode', room };
      for (const word of rest) {
        const on = word[0] === '+';
        if (word.length < 2 || (word[0] !== '+' && word[0] !== '-')) throw new Error('Usage: /mode [+i|-i] [+m|-m] [+s|-s]');
        for (const c of word.slice(1)) {
          const field = { i: 'invite_only', m: 'moderated', s: 'secret' }[c];
          if (!field) throw new Error(`Unknown mode ${c}: i (invite-only), m (moderated), s (secret)`);
          request[field] = on;
        }
      }
      break;
    default:
      return;
  }
  const reply = await session.moderate(request);
  if (reply.type === 'topic' && request.topic === undefined) {
    store.addSystem(conv, reply.topic ? `Topic: ${reply.topic}${reply.by ? ` (set by ${reply.by})` : ''}` : 'No topic');
  } else if (reply.type === 'mode' && rest.length === 0) {
    const flags = [reply.invite_only ? 'invite-only' : 'open', reply.moderated ? 'moderated' : 'not moderated',
      reply.secret ? 'secret' : 'public'];
    store.addSystem(conv, `#${room}: ${flags.join(', ')}; operators: ${(reply.operators || []).join(', ') || 'none here'}`
      + `; bans: ${(reply.bans || []).join(', ') || 'none'}`);
  } else if (cmd === 'invite') {
    store.addSystem(conv, `Invited ${first} to #${room}`);
  }
}

async function command(line) {
  const [cmd, ...rest] = line.slice(1).split(/\s+/);
  const arg = rest.join(' ');
  switch (cmd.toLowerCase()) {
    case 'join':
    case 'j':
      if (arg) await joinRoom(arg);
      else report(store.current, new Error('Usage: /join room'));
      break;
    case 'part':
    case 'leave':
      await partRoom(arg ? store.room(arg, false) : store.current);
      break;
    case 'msg':
    case 'query': {
      const [to, ...words] = rest;
      if (!to || !validNick(to)) {
        report(store.current, new Error('Usage: /msg nick text'));
        break;
      }
      const conv = store.dm(to);
      view.select(conv);
      if (words.length) session.say(conv, words.join(' '));
      break;
    }
    case 'nick':
      if (!validNick(arg)) report(store.current, new Error('A nick is 1 to 32 letters, digits, _ or -.'));
      else session.changeNick(arg).catch((e) => report(store.current, e));
      break;
    case 'topic': case 'op': case 'deop': case 'voice': case 'devoice': case 'kick': case 'ban': case 'unban':
    case 'mode': case 'invite':
      await moderate(cmd.toLowerCase(), rest).catch((e) => report(store.current, e));
      break;
    case 'help':
      for (const h of HELP) store.addSystem(store.current, h);
      break;
    default:
      report(store.current, new Error(`Unknown command /${cmd}; /help lists them`));
  }
}

function send() {
  let text = input.value.replace(/\s+$/, '');
  if (!text.trim()) return;
  if (text.startsWith('/') && !text.startsWith('//')) {
    input.value = '';
    resize();
    command(text);
    return;
  }
  if (text.startsWith('//')) text = text.slice(1);
  const conv = store.current;
  if (!conv) {
    store.addSystem(null, 'Join a room first');
    return;
  }
  const length = [...text].length;
  if (length > MAX_TEXT) {
    report(conv, new Error(`That line is ${length} characters; the limit is ${MAX_TEXT}.`));
    return;
  }
  input.value = '';
  resize();
  session.say(conv, text);
}

function resize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight + 2, window.innerHeight * 0.3)}px`;
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
input.addEventListener('input', resize);
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  } else if (e.key === 'ArrowUp' && input.value === '' && store.current) {
    const last = store.current.history[store.current.history.length - 1];
    if (last !== undefined) {
      e.preventDefault();
      input.value = last;
      input.setSelectionRange(last.length, last.length);
      resize();
    }
  }
});
document.addEventListener('keydown', (e) => {
  if (app.hidden) return;
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (e.altKey && !e.ctrlKey && !e.metaKey && digit) {
    const conv = store.conversations()[Number(digit[1]) - 1];
    if (conv) {
      e.preventDefault();
      view.select(conv);
    }
  } else if (e.key === 'Escape') {
    app.classList.remove('show-sidebar', 'show-members');
    $('scrim').hidden = true;
  }
});

$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = $('join-room').value.trim();
  if (!name) return;
  $('join-room').value = '';
  joinRoom(name);
});
$('older').addEventListener('click', () => store.current && session.loadOlder(store.current).catch((e) => report(store.current, e)));
$('log').addEventListener('scroll', () => {
  const conv = store.current;
  if (conv && $('log').scrollTop < 40 && !conv.atStart) session.loadOlder(conv).catch(() => {});
});
$('part-button').addEventListener('click', () => partRoom(store.current));
$('banner-retry').addEventListener('click', () => session.retryNow());
$('logout').addEventListener('click', () => {
  session.stop();
  sessionStorage.removeItem('chat.active');
  location.reload();
});
$('menu-toggle').addEventListener('click', () => {
  app.classList.toggle('show-sidebar');
  $('scrim').hidden = !app.classList.contains('show-sidebar');
});
$('members-toggle').addEventListener('click', () => {
  if (window.matchMedia('(max-width: 760px)').matches) {
    app.classList.toggle('show-members');
    $('scrim').hidden = !app.classList.contains('show-members');
  } else {
    app.classList.toggle('no-members');
  }
});
$('scrim').addEventListener('click', () => {
  app.classList.remove('show-sidebar', 'show-members');
  $('scrim').hidden = true;
});

// ---- start ----
$('login-nick').value = saved.nick();
const rooms0 = saved.rooms();
if (rooms0.length) $('login-room').value = rooms0[0];
capabilities().then((info) => {
  $('login-password-row').hidden = info.accounts !== true;
});
if (sessionStorage.getItem('chat.active') && validNick(saved.nick())) {
  enter(saved.nick(), null, rooms0.length ? rooms0 : ['general']);
} else {
  showLogin('');
}
