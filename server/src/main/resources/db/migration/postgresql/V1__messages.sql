-- Schema 1: each room's messages, and each room's numbering (kept when retention prunes messages).
-- Timestamps are milliseconds since 1970-01-01 UTC.

CREATE TABLE rooms (
    name     TEXT   NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL DEFAULT 0,
    created  BIGINT NOT NULL
);

CREATE TABLE messages (
    room   TEXT   NOT NULL,
    seq    BIGINT NOT NULL,
    ts     BIGINT NOT NULL,
    sender TEXT   NOT NULL,
    text   TEXT   NOT NULL,
    PRIMARY KEY (room, seq)
);

-- Facts about the store itself (the health probe writes here).
CREATE TABLE store_info (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
