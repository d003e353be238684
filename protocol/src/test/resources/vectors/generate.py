#!/usr/bin/env python3
"""Writes the codec test vectors (*.hex) into this folder; see README.md for the format.

The vectors are the reference and are committed; this script is how they were made, kept so a
case can be added or changed without counting bytes by hand. It knows nothing of the Java codec:
each payload is written out here byte for byte. Run: python3 generate.py
"""
import base64
import hashlib
import hmac
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PING = b'{"type":"ping"}'
# the signed beacon's key and signature, computed here (BeaconSignature in Java must agree)
BEACON_KEY = bytes(range(32))
BEACON_KEY_B64 = base64.b64encode(BEACON_KEY).decode()
SIGNED = b'chat-beacon-v1\nalice\nonline\n17\n1767225600000\n2000\n'
SIG = base64.b64encode(hmac.new(BEACON_KEY, SIGNED, hashlib.sha256).digest()).decode()
CASES = []


def case(name, decoder, expect, payload, *, note, id=None, canonical=None, max_frame=None, frame=None):
    """payload: str (written as UTF-8) or bytes. frame: whole raw bytes instead of header+payload."""
    if isinstance(payload, str):
        payload = payload.encode('utf-8')
    CASES.append(dict(name=name, decoder=decoder, expect=expect, payload=payload, note=note, id=id,
                      canonical=canonical, max_frame=max_frame, frame=frame))


def shown(payload):
    text = payload.decode('utf-8', errors='backslashreplace')
    text = text.replace('\n', '\\n').replace('\r', '\\r').replace('\t', '\\t').replace('\x00', '\\x00')
    return text if len(text) <= 160 else text[:120] + ' ... (' + str(len(payload)) + ' bytes)'


def write(c):
    raw = c['frame'] if c['frame'] is not None else struct.pack('>I', len(c['payload'])) + c['payload']
    lines = ['# ' + line for line in c['note'].split('\n')]
    if c['frame'] is None:
        lines.append('# payload: ' + shown(c['payload']))
    lines.append('decoder: ' + c['decoder'])
    lines.append('expect: ' + c['expect'])
    if c['id'] is not None:
        lines.append('id: ' + c['id'])
    if c['canonical'] is not None:
        lines.append('canonical: ' + c['canonical'])
    if c['max_frame'] is not None:
        lines.append('max-frame: ' + str(c['max_frame']))
    lines.append('')
    lines.append(' '.join('%02x' % b for b in raw[:4]))
    body = raw[4:]
    for i in range(0, len(body), 32):
        lines.append(' '.join('%02x' % b for b in body[i:i + 32]))
    with open(os.path.join(HERE, c['name'] + '.hex'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


# ---------------------------------------------------------------- valid client -> server

case('client-hello', 'client', 'hello', '{"type":"hello","id":1,"nick":"alice"}', id='1', canonical='same',
     note='hello with a numeric id: the first frame of every session.')
case('client-join', 'client', 'join', '{"type":"join","id":2,"room":"general"}', id='2', canonical='same',
     note='join a room.')
case('client-join-normalised', 'client', 'join', '{"type":"join","room":"#Ops"}',
     canonical='{"type":"join","room":"ops"}',
     note='Room names drop one leading # and compare ignoring case: #Ops is the room ops.')
case('client-join-room-64', 'client', 'join', '{"type":"join","room":"#' + 'R' * 64 + '"}',
     canonical='{"type":"join","room":"' + 'r' * 64 + '"}',
     note='A room name of 64 characters after the # is the longest allowed.')
case('client-join-room-alphabet', 'client', 'join', '{"type":"join","room":"A-z_0.9"}',
     canonical='{"type":"join","room":"a-z_0.9"}', note='Rooms may use A-Z a-z 0-9 _ - .')
case('client-part', 'client', 'part', '{"type":"part","room":"general"}', canonical='same', note='leave a room.')
case('client-say', 'client', 'say', '{"type":"say","id":"s-42","room":"general","text":"hello, world"}',
     id='"s-42"', canonical='same', note='say with a string id: the server answers ok{id:"s-42"}.')
case('client-say-unicode', 'client', 'say',
     '{"type":"say","room":"general","text":"Gr\u00fc\u00dfe \u2603 \U0001F600 \\"quoted\\" back\\\\slash\\nnew line"}',
     canonical='same', note='Text is any Unicode: raw UTF-8, with JSON escapes for quote, backslash, newline.')
case('client-say-escaped', 'client', 'say',
     '{"type":"say","room":"general","text":"\\u00e9\\ud83d\\ude00\\/"}',
     canonical='{"type":"say","room":"general","text":"\u00e9\U0001F600/"}',
     note='JSON escapes, including a surrogate pair for an astral character, decode to the same text.')
case('client-say-no-id', 'client', 'say', '{"type":"say","room":"general","text":"fire and forget"}',
     canonical='same', note='say without an id: the server sends no ok (only an error, if any).')
case('client-dm', 'client', 'dm', '{"type":"dm","id":6,"to":"bob","text":"psst"}', id='6', canonical='same',
     note='direct message to one nick.')
case('client-part-reason', 'client', 'part', '{"type":"part","id":9,"room":"general","reason":"lunch, back at 2"}',
     id='9', canonical='same', note='part with a reason: the other members see it in their member event.')
case('client-part-reason-400-astral', 'client', 'part',
     '{"type":"part","room":"general","reason":"' + '\U0001F600' * 400 + '"}', canonical='same',
     note='A reason of 400 code points (here 4-byte emoji) is the longest allowed.')
case('client-say-action', 'client', 'say', '{"type":"say","id":7,"room":"general","text":"waves","action":true}',
     id='7', canonical='same', note='An action (/me waves): shown as "* alice waves".')
case('client-say-action-false', 'client', 'say', '{"type":"say","room":"general","text":"hi","action":false}',
     canonical='{"type":"say","room":"general","text":"hi"}', note='action:false is a plain message.')
case('client-dm-action', 'client', 'dm', '{"type":"dm","to":"bob","text":"nods","action":true}', canonical='same',
     note='An action in a direct conversation.')
case('client-topic', 'client', 'topic',
     '{"type":"topic","id":8,"room":"general","topic":"release on Friday"}', id='8', canonical='same',
     note='Set a room\'s topic (without "topic": ask for it; "" clears it).')
case('client-kick', 'client', 'kick', '{"type":"kick","id":9,"room":"general","nick":"bob","reason":"spam"}',
     id='9', canonical='same', note='An operator removes a member from the room.')
case('client-ban', 'client', 'ban', '{"type":"ban","id":10,"room":"general","mask":"spam*"}', id='10',
     canonical='same', note='A ban mask: nick characters and the wildcards * and ?.')
case('client-mode', 'client', 'mode', '{"type":"mode","id":11,"room":"general","invite_only":true}', id='11',
     canonical='same', note='An operator makes the room invite-only.')
case('invalid-client-ban-mask', 'client', 'error invalid', '{"type":"ban","id":12,"room":"general","mask":"bob!*@*"}',
     id='12', note='A mask is nick characters and * ?: IRC\'s nick!user@host masks are not masks here.')
case('invalid-client-topic-too-long', 'client', 'error invalid',
     '{"type":"topic","id":13,"room":"general","topic":"' + 'x' * 391 + '"}', id='13',
     note='A topic is at most 390 code points.')
case('client-nick', 'client', 'nick', '{"type":"nick","id":3,"nick":"alice_2"}', id='3', canonical='same',
     note='change nick.')
case('client-rooms', 'client', 'rooms', '{"type":"rooms","id":4}', id='4', canonical='same',
     note='list rooms.')
case('client-who', 'client', 'who', '{"type":"who","room":"general"}', canonical='same',
     note='list the members of a room.')
case('client-history', 'client', 'history', '{"type":"history","id":5,"room":"general","after_seq":10,"limit":20}',
     id='5', canonical='same', note='the first 20 messages after seq 10.')
case('client-history-defaults', 'client', 'history', '{"type":"history","room":"general"}',
     canonical='{"type":"history","room":"general","limit":50}',
     note='history without after_seq and limit: the latest 50.')
case('client-history-limit-500', 'client', 'history', '{"type":"history","room":"general","limit":500}',
     canonical='same', note='500 is the largest limit.')
case('client-peers', 'client', 'peers', '{"type":"peers"}', canonical='same', note='list LAN peers.')
case('client-ping', 'client', 'ping', '{"type":"ping","id":99}', id='99', canonical='same',
     note='ping; allowed before hello too.')
case('client-pong', 'client', 'pong', '{"type":"pong"}', canonical='same', note='the answer to a server ping.')
case('client-quit', 'client', 'quit', '{"type":"quit","reason":"bye now"}', canonical='same',
     note='quit with a reason.')
case('client-quit-bare', 'client', 'quit', '{"type":"quit"}', canonical='same', note='quit without a reason.')
case('client-unknown-fields-ignored', 'client', 'say',
     '{"type":"say","room":"general","colour":"red","text":"hi","meta":{"a":[1,2,{"b":null}]},"n":1.5e3}',
     canonical='{"type":"say","room":"general","text":"hi"}',
     note='Unknown fields of any JSON type are ignored (forward compatibility); field order is free.')
case('client-whitespace-after', 'client', 'ping', '{"type":"ping"} \r\n\t ', canonical='{"type":"ping"}',
     note='JSON whitespace after the object is allowed.')
case('client-whitespace-everywhere', 'client', 'ping', ' \n{ "type" : "ping" ,\t"id" : 1 }\n', id='1',
     canonical='{"type":"ping","id":1}', note='JSON whitespace before and inside the object is allowed.')
case('client-text-4000-astral', 'client', 'say',
     '{"type":"say","room":"general","text":"' + '\U0001F600' * 4000 + '"}', canonical='same',
     note='4000 astral-plane code points (16000 bytes of UTF-8, 8000 UTF-16 units) are 4000 characters:\n'
          'the longest text allowed.')
case('client-text-4000-ascii', 'client', 'say', '{"type":"say","room":"general","text":"' + 'x' * 4000 + '"}',
     canonical='same', note='4000 characters: the longest text allowed.')
case('client-nick-32', 'client', 'hello', '{"type":"hello","nick":"' + 'N' * 31 + '-"}', canonical='same',
     note='A nick of 32 characters is the longest allowed.')
case('client-id-64', 'client', 'ping', '{"type":"ping","id":"' + 'i' * 64 + '"}', id='"' + 'i' * 64 + '"',
     canonical='same', note='A string id of 64 characters is the longest allowed.')
case('client-id-64-astral', 'client', 'ping', '{"type":"ping","id":"' + '\U0001F600' * 64 + '"}',
     id='"' + '\U0001F600' * 64 + '"', canonical='same',
     note='An id is counted in Unicode code points, like text: 64 astral characters are allowed.')
case('client-id-long-max', 'client', 'ping', '{"type":"ping","id":9223372036854775807}',
     id='9223372036854775807', canonical='same', note='An integer id may be any signed 64-bit value.')
case('client-id-negative', 'client', 'ping', '{"type":"ping","id":-7}', id='-7', canonical='same',
     note='Negative integer ids are allowed.')
case('client-id-null', 'client', 'ping', '{"type":"ping","id":null}', canonical='{"type":"ping"}',
     note='"id":null is the same as no id.')
case('client-duplicate-field', 'client', 'join', '{"type":"join","room":"first","room":"second"}',
     canonical='{"type":"join","room":"second"}',
     note='A field given twice: the last one counts (senders should not do this).')

# ---------------------------------------------------------------- valid server -> client

case('server-welcome', 'server', 'welcome',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536}', id='1', canonical='same', note='The answer to hello.')
case('server-welcome-tls', 'server', 'welcome',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536,"tls_port":7443,'
     '"tls_fingerprint":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}', id='1', canonical='same',
     note='welcome from a server with a TLS port: its port and certificate fingerprint.')
case('server-joined', 'server', 'joined',
     '{"type":"joined","id":2,"room":"general","members":["alice","bob"],"last_seq":41}', id='2',
     canonical='same', note='The answer to join: members include the joiner.')
case('server-joined-new-room', 'server', 'joined', '{"type":"joined","room":"fresh","members":["alice"],"last_seq":0}',
     canonical='same', note='A new room: last_seq 0.')
case('server-parted', 'server', 'parted', '{"type":"parted","room":"general"}', canonical='same',
     note='The answer to part.')
case('server-ok', 'server', 'ok', '{"type":"ok","id":"s-42"}', id='"s-42"', canonical='same',
     note='ok: only ever sent to a request that carried an id.')
case('server-rooms', 'server', 'rooms',
     '{"type":"rooms","id":4,"rooms":[{"room":"general","members":2},{"room":"ops","members":1}]}', id='4',
     canonical='same', note='The answer to rooms: member counts.')
case('server-rooms-empty', 'server', 'rooms', '{"type":"rooms","rooms":[]}', canonical='same',
     note='No rooms at all.')
case('server-who', 'server', 'who', '{"type":"who","room":"general","members":["alice","bob"]}',
     canonical='same', note='The answer to who.')
case('server-history', 'server', 'history',
     '{"type":"history","id":5,"room":"general","messages":[{"type":"message","room":"general","from":"bob",'
     '"text":"first","ts":1767225600000,"seq":11},{"type":"message","room":"general","from":"alice",'
     '"text":"second","ts":1767225601000,"seq":12}]}', id='5', canonical='same',
     note='The answer to history: message objects, oldest first.')
case('server-peers', 'server', 'peers',
     '{"type":"peers","peers":[{"nick":"carol","address":"127.0.0.1:50123","status":"away",'
     '"last_seen_ms":1250,"loss":0.125,"jitter_ms":2.5}]}',
     canonical='{"type":"peers","peers":[{"nick":"carol","address":"127.0.0.1:50123","status":"away",'
     '"last_seen_ms":1250,"loss":0.125,"jitter_ms":2.5,"verified":false}]}',
     note='The answer to peers from a server that does not say verified: read as false.')
case('server-peers-verified', 'server', 'peers',
     '{"type":"peers","peers":[{"nick":"alice","address":"127.0.0.1:50124","status":"online",'
     '"last_seen_ms":120,"loss":0.0,"jitter_ms":0.4,"verified":true},{"nick":"carol","address":"127.0.0.1:50123",'
     '"status":"away","last_seen_ms":1250,"loss":0.125,"jitter_ms":2.5,"verified":false}]}', canonical='same',
     note='The answer to peers: the presence table; verified: beacons signed by the holder of the nick.')
case('server-welcome-beacon-key', 'server', 'welcome',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536,"udp_port":7421,"beacon_key":"' + BEACON_KEY_B64 + '"}', id='1',
     canonical='same', note='welcome with the session beacon key (32 bytes in Base64) its beacons are signed with.')
case('server-message-room', 'server', 'message',
     '{"type":"message","room":"general","from":"alice","text":"hello, world","ts":1767225600000,"seq":42}',
     canonical='same', note='A room message, as every member of the room receives it.')
case('server-message-direct', 'server', 'message',
     '{"type":"message","to":"bob","from":"alice","text":"psst","ts":1767225600000}', canonical='same',
     note='A direct message: to instead of room, and no seq.')
case('server-member-join', 'server', 'member', '{"type":"member","room":"general","nick":"bob","event":"join"}',
     canonical='same', note='Someone joined a room you are in.')
case('server-member-nick', 'server', 'member',
     '{"type":"member","room":"general","nick":"robert","event":"nick","old":"bob"}', canonical='same',
     note='Someone in your room changed nick: old holds the previous one.')
case('server-welcome-udp-port', 'server', 'welcome',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536,"udp_port":7421}', id='1', canonical='same',
     note='welcome naming the server UDP port, where the client sends its presence beacons.')
case('server-message-action', 'server', 'message',
     '{"type":"message","room":"general","from":"alice","text":"waves","action":true,"ts":1767225600000,"seq":43}',
     canonical='same', note='An action in a room (/me waves).')
case('server-message-direct-action', 'server', 'message',
     '{"type":"message","to":"bob","from":"alice","text":"nods","action":true,"ts":1767225600000}',
     canonical='same', note='An action in a direct conversation.')
case('server-member-part-reason', 'server', 'member',
     '{"type":"member","room":"general","nick":"bob","event":"part","reason":"lunch, back at 2"}', canonical='same',
     note='Someone left a room you are in, with a reason.')
case('server-member-quit-reason', 'server', 'member',
     '{"type":"member","room":"general","nick":"bob","event":"quit","reason":"bye now"}', canonical='same',
     note='Someone disconnected, with the reason of their quit.')
case('server-mode-event', 'server', 'mode', '{"type":"mode","room":"general","by":"alice","ban":"spam*"}',
     canonical='same', note='A mode event: exactly one changed field, and who changed it.')
case('server-mode-reply', 'server', 'mode',
     '{"type":"mode","id":11,"room":"general","invite_only":false,"moderated":true,"secret":false,'
     '"operators":["alice"],"voiced":["bob"],"bans":["spam*"]}', id='11', canonical='same',
     note='The answer to a mode request that asks (no "by").')
case('server-member-kick', 'server', 'member',
     '{"type":"member","room":"general","nick":"bob","event":"kick","reason":"spam","by":"alice"}', canonical='same',
     note='A kick, seen by every member and by the kicked one.')
case('server-invited', 'server', 'invited', '{"type":"invited","room":"general","by":"alice"}', canonical='same',
     note='An operator invited this session to a room.')
case('server-topic', 'server', 'topic',
     '{"type":"topic","id":8,"room":"general","topic":"release on Friday","by":"alice","ts":1767225600000}',
     id='8', canonical='same', note='A room topic: the answer to topic, and an event when it changes.')
case('server-presence', 'server', 'presence',
     '{"type":"presence","nick":"carol","address":"127.0.0.1:50123","status":"online"}',
     canonical='{"type":"presence","nick":"carol","address":"127.0.0.1:50123","status":"online","verified":false}',
     note='A LAN peer appeared, changed status, or left (status offline); from a server that does not say\n'
          'verified: read as false.')
case('server-presence-verified', 'server', 'presence',
     '{"type":"presence","nick":"alice","address":"127.0.0.1:50124","status":"online","verified":true}',
     canonical='same', note='A LAN peer whose beacons are signed by the holder of its nick appeared.')
case('server-bye', 'server', 'bye', '{"type":"bye","reason":"server shutting down"}', canonical='same',
     note='The server closes the connection after this.')
case('server-error', 'server', 'error',
     '{"type":"error","id":"s-43","code":"not_in_room","message":"join \'ops\' first"}', id='"s-43"',
     canonical='same', note='An error answering a request with an id.')
case('server-ping', 'server', 'ping', '{"type":"ping"}', canonical='same',
     note='Heartbeat: the client answers pong.')
case('server-pong', 'server', 'pong', '{"type":"pong","id":99}', id='99', canonical='same',
     note='The answer to a client ping with an id.')

# ---------------------------------------------------------------- valid beacons (UDP)

case('beacon-client', 'beacon', 'beacon',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","seq":17,"ts":1767225600000,'
     '"interval_ms":2000}', canonical='same', note='A client presence beacon.')
case('beacon-client-signed', 'beacon', 'beacon',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","seq":17,"ts":1767225600000,'
     '"interval_ms":2000,"sig":"' + SIG + '"}', canonical='same',
     note='A signed client beacon: sig is HMAC-SHA256 under the key 00 01 .. 1f over\n'
          + repr(SIGNED.decode()) + ' (docs/PRESENCE.md).')
case('beacon-client-away', 'beacon', 'beacon',
     '{"type":"beacon","role":"client","nick":"alice","status":"away","seq":18,"ts":1767225602000,'
     '"interval_ms":2000}', canonical='same', note='A client that is away.')
case('beacon-client-offline', 'beacon', 'beacon',
     '{"type":"beacon","role":"client","nick":"alice","status":"offline","seq":19,"ts":1767225603000,'
     '"interval_ms":2000}', canonical='same', note='A client saying goodbye.')
case('beacon-server', 'beacon', 'beacon',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"seq":3,'
     '"ts":1767225600000,"interval_ms":2000}', canonical='same',
     note='A server announcement; no status means online.')
case('beacon-server-online', 'beacon', 'beacon',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"status":"online",'
     '"seq":3,"ts":1767225600000,"interval_ms":2000}',
     canonical='{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"seq":3,'
               '"ts":1767225600000,"interval_ms":2000}',
     note='status online may be given; servers leave it out.')
case('beacon-server-tls', 'beacon', 'beacon',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"seq":3,'
     '"ts":1767225600000,"interval_ms":2000,"tls_port":7443,"tls_fingerprint":"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}',
     canonical='same', note='An announcement of a server with a TLS port: its port and certificate fingerprint.')
case('beacon-server-irc', 'beacon', 'beacon',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"seq":3,'
     '"ts":1767225600000,"interval_ms":2000,"irc_port":6667}',
     canonical='same', note='An announcement of a server with an IRC port (optional: absent means none).')
case('beacon-server-offline', 'beacon', 'beacon',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n-7f3a","tcp_port":7420,"status":"offline",'
     '"seq":4,"ts":1767225602000,"interval_ms":2000}', canonical='same',
     note="A server's goodbye when it shuts down.")

# ---------------------------------------------------------------- framing

case('frame-length-zero', 'client', 'error frame_too_large', b'', frame=bytes.fromhex('00000000') + PING,
     note='Declared length 0: fatal, the connection is closed.')
case('frame-length-above-max', 'client', 'error frame_too_large', b'',
     frame=bytes.fromhex('00010001') + PING, note='Declared 65537 bytes with the default limit of 65536: fatal.')
case('frame-length-2pow31', 'client', 'error frame_too_large', b'', frame=bytes.fromhex('80000000'),
     note='Declared 2^31 bytes: refused after the 4 header bytes, nothing allocated.')
case('frame-length-ffffffff', 'client', 'error frame_too_large', b'', frame=bytes.fromhex('ffffffff') + PING,
     note='The largest uint32: refused, nothing allocated.')
case('frame-max-frame-exact', 'client', 'ping', PING, max_frame=15, canonical='same',
     note='A payload exactly as long as the limit (15 bytes here) is accepted.')
case('frame-max-frame-plus-one', 'client', 'error frame_too_large', PING, max_frame=14,
     note='One byte over the limit (14 bytes here) is refused.')

# ---------------------------------------------------------------- bad UTF-8: bad_json, stays open


def say_with(raw):
    return b'{"type":"say","id":5,"room":"general","text":"' + raw + b'"}'


case('utf8-overlong-2', 'client', 'error bad_json', say_with(b'\xc0\xaf'),
     note='Overlong 2-byte encoding of "/" (C0 AF). An id is never echoed for bad_json: nothing was parsed.')
case('utf8-overlong-3', 'client', 'error bad_json', say_with(b'\xe0\x80\xaf'), note='Overlong 3-byte "/" (E0 80 AF).')
case('utf8-overlong-4', 'client', 'error bad_json', say_with(b'\xf0\x80\x80\xaf'),
     note='Overlong 4-byte "/" (F0 80 80 AF).')
case('utf8-overlong-nul', 'client', 'error bad_json', say_with(b'\xc0\x80'), note='Overlong NUL (C0 80, "modified UTF-8").')
case('utf8-surrogate', 'client', 'error bad_json', say_with(b'\xed\xa0\x80'),
     note='A UTF-16 surrogate (U+D800) encoded in UTF-8 (ED A0 80, CESU-8).')
case('utf8-surrogate-pair', 'client', 'error bad_json', say_with(b'\xed\xa0\xbd\xed\xb8\x80'),
     note='An astral character as two encoded surrogates (CESU-8) instead of 4 bytes.')
case('utf8-above-max', 'client', 'error bad_json', say_with(b'\xf4\x90\x80\x80'),
     note='A code point above U+10FFFF (F4 90 80 80).')
case('utf8-truncated-sequence', 'client', 'error bad_json', say_with(b'\xe2\x82'),
     note='A 3-byte sequence (for the euro sign) cut after 2 bytes, followed by the closing quote.')
case('utf8-truncated-at-end', 'client', 'error bad_json', PING + b'\xe2\x82',
     note='The payload ends in the middle of a multi-byte sequence.')
case('utf8-stray-continuation', 'client', 'error bad_json', say_with(b'a\x80b'),
     note='A continuation byte (80) with no lead byte.')
case('utf8-byte-ff', 'client', 'error bad_json', say_with(b'\xff'), note='FF never occurs in UTF-8.')
case('utf8-latin1', 'client', 'error bad_json', say_with(b'Gr\xfc\xdfe'),
     note='Latin-1 text (FC DF) is not UTF-8.')

# ---------------------------------------------------------------- not one JSON object: bad_json

case('json-not-json', 'client', 'error bad_json', 'hello server', note='Not JSON at all.')
case('json-truncated', 'client', 'error bad_json', '{"type":"ping"', note='An object without its closing brace.')
case('json-array', 'client', 'error bad_json', '[{"type":"ping"}]', note='A JSON array, not an object.')
case('json-string', 'client', 'error bad_json', '"ping"', note='A JSON string, not an object.')
case('json-number', 'client', 'error bad_json', '42', note='A JSON number, not an object.')
case('json-null', 'client', 'error bad_json', 'null', note='JSON null, not an object.')
case('json-true', 'client', 'error bad_json', 'true', note='A JSON boolean, not an object.')
case('json-whitespace-only', 'client', 'error bad_json', ' \n\t ', note='Only whitespace: no object.')
case('json-trailing-garbage', 'client', 'error bad_json', '{"type":"ping"} x',
     note='Something other than whitespace after the object.')
case('json-two-objects', 'client', 'error bad_json', '{"type":"ping"}{"type":"ping"}',
     note='Two objects in one frame: each frame carries exactly one.')
case('json-trailing-comma', 'client', 'error bad_json', '{"type":"ping",}', note='A trailing comma is not JSON.')
case('json-single-quotes', 'client', 'error bad_json', "{'type':'ping'}", note='Single quotes are not JSON.')
case('json-comment', 'client', 'error bad_json', '{"type":"ping"} // hi', note='Comments are not JSON.')
case('json-raw-control-char', 'client', 'error bad_json', b'{"type":"say","room":"a","text":"a\x01b"}',
     note='A raw control character inside a string must be escaped (\\u0001).')
case('json-raw-nul', 'client', 'error bad_json', b'\x00{"type":"ping"}',
     note='A NUL byte is not JSON whitespace.')
case('json-bom', 'client', 'error bad_json', b'\xef\xbb\xbf{"type":"ping"}',
     note='A UTF-8 byte order mark is not allowed before the object.')
case('json-utf16', 'client', 'error bad_json', '{"type":"ping"}'.encode('utf-16-be'),
     note='UTF-16 text (valid UTF-8 bytes, but full of NULs) is not a UTF-8 JSON text.')
case('json-too-deep', 'client', 'error bad_json', '{"type":"ping","x":' + '[' * 1001 + ']' * 1001 + '}',
     note='Nesting deeper than 1000 levels is refused, even in an ignored field.')

# ---------------------------------------------------------------- type: unknown_type, stays open

case('type-missing', 'client', 'error unknown_type', '{"id":1,"room":"general"}', id='1',
     note='No type field; the id is echoed.')
case('type-number', 'client', 'error unknown_type', '{"type":5}', note='A type that is not a string.')
case('type-null', 'client', 'error unknown_type', '{"type":null}', note='type null.')
case('type-array', 'client', 'error unknown_type', '{"type":["say"]}', note='type as an array.')
case('type-object', 'client', 'error unknown_type', '{"type":{"name":"say"}}', note='type as an object.')
case('type-unknown', 'client', 'error unknown_type', '{"type":"dance","id":"d1"}', id='"d1"',
     note='A type nobody knows; the id is echoed.')
case('type-wrong-case', 'client', 'error unknown_type', '{"type":"SAY","room":"general","text":"hi"}',
     note='Types are case-sensitive.')
case('type-server-only-to-server', 'client', 'error unknown_type',
     '{"type":"welcome","nick":"a","server":"s","node":"n","protocol":1,"heartbeat_ms":1,"max_frame":1}',
     note='A server message type sent by a client is unknown to the server.')
case('type-client-only-to-client', 'server', 'error unknown_type', '{"type":"say","room":"general","text":"hi"}',
     note='A client request type is unknown to a client.')
case('type-beacon-over-tcp', 'client', 'error unknown_type',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","seq":1,"ts":1,"interval_ms":1000}',
     note='Beacons belong on UDP; over TCP they are an unknown type.')
case('type-say-over-udp', 'beacon', 'error unknown_type', '{"type":"say","room":"general","text":"hi"}',
     note='Only beacon is known on UDP.')
case('type-unknown-bad-id', 'client', 'error unknown_type', '{"type":"dance","id":1.5}',
     note='type is checked before id: an unknown type with a bad id is unknown_type, without an id.')

# ---------------------------------------------------------------- fields: invalid, stays open

case('invalid-say-missing-text', 'client', 'error invalid', '{"type":"say","id":8,"room":"general"}', id='8',
     note='A required field is missing; the id is echoed.')
case('invalid-join-missing-room', 'client', 'error invalid', '{"type":"join"}', note='join without room.')
case('invalid-say-text-number', 'client', 'error invalid', '{"type":"say","room":"general","text":5}',
     note='text must be a string.')
case('invalid-say-text-null', 'client', 'error invalid', '{"type":"say","room":"general","text":null}',
     note='null counts as missing.')
case('invalid-say-room-array', 'client', 'error invalid', '{"type":"say","room":["general"],"text":"hi"}',
     note='room must be a string.')
case('invalid-hello-nick-space', 'client', 'error invalid', '{"type":"hello","id":1,"nick":"bad nick"}', id='1',
     note='Nicks are 1 to 32 of A-Z a-z 0-9 _ - (no space).')
case('invalid-hello-nick-33', 'client', 'error invalid', '{"type":"hello","nick":"' + 'n' * 33 + '"}',
     note='A nick of 33 characters is too long.')
case('invalid-hello-nick-empty', 'client', 'error invalid', '{"type":"hello","nick":""}', note='An empty nick.')
case('invalid-hello-nick-accent', 'client', 'error invalid', '{"type":"hello","nick":"\u00e9lodie"}',
     note='Nicks are ASCII only.')
case('invalid-hello-nick-dot', 'client', 'error invalid', '{"type":"hello","nick":"a.b"}',
     note='A dot is allowed in rooms, not in nicks.')
case('invalid-dm-bad-to', 'client', 'error invalid', '{"type":"dm","to":"no one","text":"hi"}',
     note='dm.to follows the nick rules.')
case('invalid-nick-bad', 'client', 'error invalid', '{"type":"nick","nick":"a/b"}', note='nick.nick follows the nick rules.')
case('invalid-join-room-space', 'client', 'error invalid', '{"type":"join","room":"a b"}', note='No spaces in rooms.')
case('invalid-join-room-65', 'client', 'error invalid', '{"type":"join","room":"' + 'r' * 65 + '"}',
     note='A room of 65 characters is too long.')
case('invalid-join-room-hash-only', 'client', 'error invalid', '{"type":"join","room":"#"}',
     note='"#" alone leaves an empty name.')
case('invalid-join-room-double-hash', 'client', 'error invalid', '{"type":"join","room":"##ops"}',
     note='Only one leading # is dropped; the second is not in the alphabet.')
case('invalid-join-room-empty', 'client', 'error invalid', '{"type":"join","room":""}', note='An empty room name.')
case('invalid-say-text-empty', 'client', 'error invalid', '{"type":"say","room":"general","text":""}',
     note='Text must have at least 1 character.')
case('invalid-say-text-4001-astral', 'client', 'error invalid',
     '{"type":"say","id":9,"room":"general","text":"' + '\U0001F600' * 4001 + '"}', id='9',
     note='4001 code points: one too many.')
case('invalid-say-text-4001-ascii', 'client', 'error invalid',
     '{"type":"say","room":"general","text":"' + 'x' * 4001 + '"}', note='4001 characters: one too many.')
case('invalid-say-text-lone-surrogate', 'client', 'error invalid',
     '{"type":"say","room":"general","text":"a\\ud800b"}',
     note='An escaped lone surrogate is valid JSON syntax but not Unicode text.')
case('invalid-history-limit-0', 'client', 'error invalid', '{"type":"history","room":"general","limit":0}',
     note='limit is 1 to 500.')
case('invalid-history-limit-501', 'client', 'error invalid', '{"type":"history","room":"general","limit":501}',
     note='limit is 1 to 500.')
case('invalid-history-limit-float', 'client', 'error invalid', '{"type":"history","room":"general","limit":2.5}',
     note='limit must be an integer.')
case('invalid-history-after-seq-negative', 'client', 'error invalid',
     '{"type":"history","room":"general","after_seq":-1}', note='after_seq is 0 or more.')
case('invalid-quit-reason-number', 'client', 'error invalid', '{"type":"quit","reason":5}',
     note='An optional field, when present, must have the right type.')
case('invalid-id-65', 'client', 'error invalid', '{"type":"ping","id":"' + 'i' * 65 + '"}',
     note='A string id of 65 characters is too long; the error carries no id.')
case('invalid-id-float', 'client', 'error invalid', '{"type":"say","id":1.5,"room":"general","text":"hi"}',
     note='An id must be a string or an integer, not a fraction.')
case('invalid-id-float-integral', 'client', 'error invalid', '{"type":"ping","id":1.0}',
     note='1.0 is written as a fraction: not an integer id.')
case('invalid-id-object', 'client', 'error invalid', '{"type":"ping","id":{"n":1}}', note='An object is not an id.')
case('invalid-id-bool', 'client', 'error invalid', '{"type":"ping","id":true}', note='A boolean is not an id.')
case('invalid-id-too-big', 'client', 'error invalid', '{"type":"ping","id":18446744073709551616}',
     note='An integer id must fit in a signed 64-bit integer.')
case('invalid-server-message-room-and-to', 'server', 'error invalid',
     '{"type":"message","room":"general","to":"bob","from":"alice","text":"hi","ts":1,"seq":1}',
     note='A message is either a room message (room, seq) or a direct one (to), not both.')
case('invalid-server-message-no-seq', 'server', 'error invalid',
     '{"type":"message","room":"general","from":"alice","text":"hi","ts":1}', note='A room message needs its seq.')
case('invalid-server-welcome-missing-node', 'server', 'error invalid',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","protocol":1,"heartbeat_ms":30000,"max_frame":65536}',
     id='1', note='welcome without node.')
case('invalid-say-action-string', 'client', 'error invalid',
     '{"type":"say","id":"s1","room":"general","text":"hi","action":"yes"}', id='"s1"',
     note='action is a boolean when present.')
case('invalid-part-reason-401', 'client', 'error invalid', '{"type":"part","room":"general","reason":"' + 'r' * 401 + '"}',
     note='A part reason is at most 400 code points.')
case('invalid-server-welcome-udp-port', 'server', 'error invalid',
     '{"type":"welcome","nick":"a","server":"s","node":"n","protocol":1,"heartbeat_ms":1,"max_frame":1,"udp_port":65536}',
     note='udp_port is 0 to 65535.')
case('invalid-server-peers-loss-infinite', 'server', 'error invalid',
     '{"type":"peers","peers":[{"nick":"carol","address":"127.0.0.1:50123","status":"away",'
     '"last_seen_ms":1250,"loss":1e400,"jitter_ms":2.5}]}',
     note='A number too large for a double (1e400) is refused, not read as infinity.')
case('invalid-beacon-role', 'beacon', 'error invalid',
     '{"type":"beacon","role":"relay","seq":1,"ts":1,"interval_ms":1000}', note='role is client or server.')
case('invalid-beacon-client-status', 'beacon', 'error invalid',
     '{"type":"beacon","role":"client","nick":"alice","status":"busy","seq":1,"ts":1,"interval_ms":1000}',
     note='A client status is online, away or offline.')
case('invalid-beacon-client-nick', 'beacon', 'error invalid',
     '{"type":"beacon","role":"client","nick":"a b","status":"online","seq":1,"ts":1,"interval_ms":1000}',
     note='A client beacon nick follows the nick rules.')
case('invalid-beacon-server-port-0', 'beacon', 'error invalid',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n","tcp_port":0,"seq":1,"ts":1,"interval_ms":1000}',
     note='tcp_port is 1 to 65535.')
case('invalid-beacon-server-status-away', 'beacon', 'error invalid',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n","tcp_port":7420,"status":"away","seq":1,'
     '"ts":1,"interval_ms":1000}', note='A server status is online or offline.')
case('invalid-beacon-server-tls-fingerprint', 'beacon', 'error invalid',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n","tcp_port":7420,"seq":1,"ts":1,'
     '"interval_ms":1000,"tls_port":7443,"tls_fingerprint":"md5:00"}',
     note='tls_fingerprint is SHA256: and 43 Base64 characters.')
case('invalid-beacon-server-irc-port-0', 'beacon', 'error invalid',
     '{"type":"beacon","role":"server","name":"chat-1","node":"n","tcp_port":7420,"seq":1,"ts":1,'
     '"interval_ms":1000,"irc_port":0}', note='irc_port is 1 to 65535 when present.')
case('invalid-server-welcome-tls-port-0', 'server', 'error invalid',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536,"tls_port":0}', id='1', note='tls_port is 1 to 65535 when present.')
case('invalid-beacon-missing-seq', 'beacon', 'error invalid',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","ts":1,"interval_ms":1000}',
     note='seq is required.')
case('invalid-beacon-sig', 'beacon', 'error invalid',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","seq":1,"ts":1,"interval_ms":1000,'
     '"sig":"not base64"}', note='sig is 32 bytes in Base64 when present.')
case('invalid-server-welcome-beacon-key', 'server', 'error invalid',
     '{"type":"welcome","id":1,"nick":"alice","server":"chat-1","node":"n-7f3a","protocol":1,'
     '"heartbeat_ms":30000,"max_frame":65536,"beacon_key":"AAEC"}', id='1',
     note='beacon_key is 32 bytes in Base64 when present.')
case('invalid-beacon-interval-0', 'beacon', 'error invalid',
     '{"type":"beacon","role":"client","nick":"alice","status":"online","seq":1,"ts":1,"interval_ms":0}',
     note='interval_ms is 1 to 3600000.')

if __name__ == '__main__':
    for old in os.listdir(HERE):
        if old.endswith('.hex'):
            os.remove(os.path.join(HERE, old))
    names = set()
    for c in CASES:
        assert c['name'] not in names, c['name']
        names.add(c['name'])
        write(c)
    print(len(CASES), 'vectors written')
