// The network page: polls GET api/network (peers, nodes, room owners, counters) every 2 s and
// GET api/rooms/<room>/frames for the chosen room every second (docs/WEB.md has the JSON).
// Every name and payload is put in as text.

import { $, clear, el } from '../lib/dom.js';
import { headerHex } from '../lib/wire.js';
import { TimeChart, colour } from './charts.js';

const NETWORK_EVERY_MS = 2000;
const FRAMES_EVERY_MS = 1000;
const MAX_FRAMES_SHOWN = 200;
const MAX_PEERS_CHARTED = 8;

const rateChart = new TimeChart($('rate-chart'), { unit: '/s', decimals: 1 });
const lossChart = new TimeChart($('loss-chart'), { unit: '%', decimals: 1, max: 5 });
const jitterChart = new TimeChart($('jitter-chart'), { unit: 'ms', decimals: 1, max: 1 });
let previous = null; // the last counters, for rates
let lastOk = 0;
let wireRoom = '';
let wireAfter = 0;

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v) => (typeof v === 'string' ? v : '');
const fmtRate = (v) => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

function rate(now, prev, key) {
  if (!prev) return null;
  const a = num(now.counters?.[key]);
  const b = num(prev.counters?.[key]);
  const dt = (num(now.ts) - num(prev.ts)) / 1000;
  if (a === null || b === null || !(dt > 0) || a < b) return null; // a restarted node starts from 0
  return (a - b) / dt;
}

function render(net) {
  const t = (num(net.ts) ?? Date.now()) / 1000;
  const peers = Array.isArray(net.peers) ? net.peers : [];
  const nodes = Array.isArray(net.nodes) ? net.nodes : [];
  const rooms = Array.isArray(net.rooms) ? net.rooms : [];
  const counters = net.counters || {};

  $('node-info').textContent = `${str(net.server)} · node ${str(net.node)}`;
  const messages = rate(net, previous, 'messages_total');
  const deliveries = rate(net, previous, 'deliveries_total');
  previous = net;
  $('t-messages').textContent = fmtRate(messages);
  $('t-deliveries').textContent = fmtRate(deliveries);
  $('t-connections').textContent = num(counters.connections) ?? '–';
  $('t-peers').textContent = String(num(net.peers_total) ?? peers.length);
  $('t-nodes').textContent = String(nodes.length);
  $('t-rooms').textContent = String(num(net.rooms_total) ?? rooms.length);

  const rates = new Map();
  if (messages !== null) rates.set('messages/s', messages);
  if (deliveries !== null) rates.set('deliveries/s', deliveries);
  if (rates.size) rateChart.push(t, rates);

  const loss = new Map();
  const jitter = new Map();
  for (const p of peers) {
    const name = str(p.nick) || str(p.address);
    if (num(p.loss) !== null) loss.set(name, p.loss * 100);
    if (num(p.jitter_ms) !== null) jitter.set(name, p.jitter_ms);
  }
  lossChart.limit(MAX_PEERS_CHARTED);
  jitterChart.limit(MAX_PEERS_CHARTED);
  lossChart.push(t, loss);
  jitterChart.push(t, jitter);

  renderPeers(peers, num(net.peers_total));
  renderNodes(nodes, rooms);
  renderRooms(rooms, nodes, num(net.rooms_total));
}

function renderPeers(peers, total) {
  const body = $('peers').tBodies[0];
  clear(body);
  const charted = lossChart.names;
  for (const p of peers) {
    const name = str(p.nick) || str(p.address);
    const i = charted.indexOf(name);
    const swatch = el('span', { class: 'swatch' });
    if (i >= 0) swatch.style.setProperty('--sw', colour(i));
    const loss = num(p.loss);
    const lossCls = loss === null ? '' : loss >= 0.1 ? 'loss-bad' : loss > 0 ? 'loss-warn' : '';
    // verified: the server checked the beacons against the key of the session holding the nick
    const verified = p.verified === true;
    const mark = el('span', {
      class: `mark ${verified ? 'verified' : 'unverified'}`,
      title: verified ? 'beacons signed by the session that holds this nick'
        : 'unsigned beacons: anyone could have sent them',
    }, verified ? '✓ verified' : 'unverified');
    body.append(el('tr', { dataset: { nick: str(p.nick), verified: String(verified) } },
      el('td', {}, swatch, str(p.nick), ' ', mark),
      el('td', { class: 'mono' }, str(p.address)),
      el('td', {}, el('span', { class: `dot ${str(p.status)}` }), ' ', str(p.status)),
      el('td', { class: 'num' }, num(p.last_seen_ms) === null ? '–' : `${(p.last_seen_ms / 1000).toFixed(1)} s ago`),
      el('td', { class: `num loss ${lossCls}` }, loss === null ? '–' : `${(loss * 100).toFixed(1)} %`),
      el('td', { class: 'num jitter' }, num(p.jitter_ms) === null ? '–' : `${p.jitter_ms.toFixed(1)} ms`)));
  }
  if (!peers.length) body.append(el('tr', {}, el('td', { class: 'empty', colspan: '6' }, 'No beacons heard yet: ./chat client sends one every 2 s')));
  $('peers-note').textContent = total !== null && total > peers.length
    ? `showing ${peers.length} of ${total}` : 'from UDP presence beacons';
}

function renderNodes(nodes, rooms) {
  const list = $('nodes');
  clear(list);
  for (const n of nodes) {
    const id = str(n.node);
    const owned = rooms.filter((r) => r.owner === id).length;
    list.append(el('li', {},
      el('span', { class: 'dot online' }),
      el('span', {}, el('b', {}, str(n.name) || 'node'), ' ', el('span', { class: 'id muted' }, id)),
      n.self === true ? el('span', { class: 'you' }, 'this page') : null,
      str(n.address) ? el('span', { class: 'mono small muted' }, str(n.address)) : null,
      el('span', { class: 'owned' }, `${owned} room${owned === 1 ? '' : 's'} owned`)));
  }
  if (!nodes.length) list.append(el('li', { class: 'muted' }, 'No node information'));
}

function renderRooms(rooms, nodes, total) {
  const body = $('rooms').tBodies[0];
  clear(body);
  const names = new Map(nodes.map((n) => [str(n.node), str(n.name)]));
  for (const r of rooms) {
    body.append(el('tr', { dataset: { room: str(r.room) } },
      el('td', {}, `#${str(r.room)}`),
      el('td', { class: 'num' }, String(num(r.members) ?? '–')),
      el('td', { class: 'num' }, String(num(r.last_seq) ?? '–')),
      el('td', {}, el('span', { class: 'node-chip', title: str(r.owner) }, names.get(str(r.owner)) || str(r.owner).slice(0, 12)))));
  }
  if (!rooms.length) body.append(el('tr', {}, el('td', { class: 'empty', colspan: '4' }, 'No rooms yet')));
  $('rooms-note').textContent = total !== null && total > rooms.length ? `showing ${rooms.length} of ${total}` : '';

  const select = $('wire-room');
  const want = [...rooms.map((r) => str(r.room))].filter(Boolean).sort();
  const have = [...select.options].slice(1).map((o) => o.value);
  if (want.join('\n') !== have.join('\n')) {
    while (select.options.length > 1) select.remove(1);
    for (const name of want) select.add(el('option', { value: name }, `#${name}`));
    select.value = want.includes(wireRoom) ? wireRoom : '';
  }
  if (!wireRoom && want.length) chooseRoom(want[0]);
}

async function pollNetwork() {
  try {
    render(await getJson('api/network'));
    lastOk = Date.now();
  } catch (e) {
    $('updated').textContent = `not updated: ${e.message}`;
  }
}

// ---- frames on the wire ----
function jsonNodes(text) {
  // colours keys, strings and numbers; every piece is a Text node
  const out = [];
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([^"\d-]+|[\s\S])/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(el('span', { class: m[2] ? 'k' : 's' }, m[1]), m[2] || '');
    else if (m[3] !== undefined) out.push(el('span', { class: 'n' }, m[3]));
    else out.push(m[0]);
  }
  return out;
}

function frameNode(f) {
  const payload = str(f.payload);
  const length = num(f.length) ?? new TextEncoder().encode(payload).length;
  const inbound = f.dir === 'in';
  const time = new Date(num(f.ts) ?? Date.now());
  return el('li', { class: 'frame', dataset: { n: String(num(f.n) ?? '') }, title: `length 0x${length.toString(16)} = ${length} bytes of UTF-8 payload` },
    el('span', { class: 't' }, time.toLocaleTimeString(undefined, { hour12: false })),
    el('span', { class: inbound ? 'dir-in' : 'dir-out' }, inbound ? '>>' : '<<'),
    el('span', { class: 'tr' }, str(f.transport) || 'tcp'),
    el('span', { class: 'hdr' }, headerHex(length)),
    el('span', { class: 'payload' }, jsonNodes(payload)));
}

function chooseRoom(room) {
  wireRoom = room;
  wireAfter = 0;
  $('wire-room').value = room;
  clear($('frames'));
  $('frames').append(el('li', { class: 'empty' }, room ? 'Waiting for frames in this room…' : 'Choose a room'));
}

async function pollFrames() {
  if (!wireRoom || $('wire-pause').checked) return;
  const room = wireRoom;
  let reply;
  try {
    reply = await getJson(`api/rooms/${encodeURIComponent(room)}/frames?after=${wireAfter}`);
  } catch {
    return;
  }
  if (room !== wireRoom) return;
  const frames = Array.isArray(reply.frames) ? reply.frames : [];
  if (num(reply.next) !== null) wireAfter = reply.next;
  if (!frames.length) return;
  const list = $('frames');
  const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 30;
  list.querySelector('.empty')?.remove();
  for (const f of frames) list.append(frameNode(f));
  while (list.children.length > MAX_FRAMES_SHOWN) list.firstChild.remove();
  if (stick) list.scrollTop = list.scrollHeight;
}

$('wire-room').addEventListener('change', (e) => chooseRoom(e.target.value));
setInterval(() => {
  if (lastOk) $('updated').textContent = `updated ${Math.round((Date.now() - lastOk) / 1000)} s ago`;
}, 1000);

function loop(fn, every) {
  const run = async () => {
    if (document.visibilityState === 'visible') await fn();
    setTimeout(run, every);
  };
  run();
}
chooseRoom('');
loop(pollNetwork, NETWORK_EVERY_MS);
loop(pollFrames, FRAMES_EVERY_MS);
