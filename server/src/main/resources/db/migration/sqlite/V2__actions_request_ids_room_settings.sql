-- Schema 2: action messages (/me), the request id a cluster uses to recognise a retried say,
-- and room settings (a topic, and a JSON object for settings that come later).

ALTER TABLE messages ADD COLUMN action INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN rid TEXT;
CREATE INDEX messages_rid ON messages (room, rid) WHERE rid IS NOT NULL;

ALTER TABLE rooms ADD COLUMN topic TEXT;
ALTER TABLE rooms ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}';
