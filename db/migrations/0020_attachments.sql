-- Photos of an event (server/http/attachments.ts): one photo is stored once per event, so a
-- repeated upload (a retry after a lost answer) finds the first by its SHA-256. The unique index
-- also serves the per-event list and count, so the plain event index goes. Nothing wrote this
-- table before; duplicates (if any) are removed first so that the index can be built.
DELETE FROM event_attachments a USING event_attachments b
  WHERE a.event_id = b.event_id AND a.sha256 = b.sha256 AND a.id > b.id;
--> statement-breakpoint
DROP INDEX "event_attachments_event_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "event_attachments_event_sha256_key" ON "event_attachments" USING btree ("event_id","sha256");--> statement-breakpoint
-- JPEG, PNG and WebP are compressed already: store them out of line without trying to compress.
ALTER TABLE event_attachments ALTER COLUMN bytes SET STORAGE EXTERNAL;
