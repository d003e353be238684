-- Schema 3: accounts that own their nicks. `nick_key` is the nick as compared (lower case),
-- `nick` as registered; `hash` is an Argon2id hash in the PHC string format, with its salt and
-- parameters (never the password). Timestamps are milliseconds since 1970-01-01 UTC.

CREATE TABLE accounts (
    nick_key TEXT   NOT NULL PRIMARY KEY,
    nick     TEXT   NOT NULL,
    hash     TEXT   NOT NULL,
    created  BIGINT NOT NULL
);
