// DOM helpers for both pages. Every string that came from the network or a user goes in as text
// (textContent or a Text node), never as HTML: there is no innerHTML anywhere in these scripts.

/**
 * Makes an element. props: class, text, dataset, title, hidden, on<event>, and plain attributes
 * (never style: styles come from the stylesheets). Children are nodes or strings (as text).
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'hidden') e.hidden = true;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'style' || k.startsWith('on') || k === 'href' || k === 'src') {
      throw new Error(`el(): ${k} is not set this way`);
    } else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Removes every child. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

export const $ = (id) => document.getElementById(id);

/** A link only for http(s) URLs; anything else stays text. */
export function safeLink(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return document.createTextNode(text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return document.createTextNode(text);
  const a = document.createElement('a');
  a.href = url.href;
  a.textContent = text;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  return a;
}

/** A stable hue (0..359) for a nick, the same on every page load; used through the --h custom property. */
export function nickHue(nick) {
  let h = 2166136261;
  for (const ch of nick.toLowerCase()) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % 360;
}

/** A nick as a coloured span (colour through a CSS custom property set with CSSOM, allowed by the CSP). */
export function nickSpan(nick, extraClass = '') {
  const s = el('span', { class: `nick ${extraClass}`.trim(), text: nick });
  s.style.setProperty('--h', String(nickHue(nick)));
  return s;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export const formatTime = (ts) => timeFmt.format(new Date(ts));
export const formatFull = (ts) => fullFmt.format(new Date(ts));
