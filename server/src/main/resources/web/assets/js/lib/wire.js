// What a frame looks like on the framed TCP listener, for showing it: the 4-byte big-endian length
// of the UTF-8 payload, then the payload (docs/PROTOCOL.md section 1).

const encoder = new TextEncoder();

/** Payload length in bytes (UTF-8), as the length header counts it. */
export function utf8Length(text) {
  return encoder.encode(text).length;
}

/** The length header as the terminal client's --trace prints it: "00 00 00 26". */
export function headerHex(length) {
  const b = [(length >>> 24) & 255, (length >>> 16) & 255, (length >>> 8) & 255, length & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** The WebSocket URL of this page's server: same host and port, ws or wss like the page. */
export function webSocketUrl(path = 'ws') {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.href;
}
