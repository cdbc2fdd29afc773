CREATE TABLE "reporter_notices" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"about_event_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "overdue_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reporter_notices" ADD CONSTRAINT "reporter_notices_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reporter_notices" ADD CONSTRAINT "reporter_notices_about_event_id_events_id_fk" FOREIGN KEY ("about_event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reporter_notices_once" ON "reporter_notices" USING btree ("event_id","kind","about_event_id");--> statement-breakpoint
CREATE INDEX "reporter_notices_event_idx" ON "reporter_notices" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "reporter_notices_pending_idx" ON "reporter_notices" USING btree ("status","id");--> statement-breakpoint
ALTER TABLE reporter_notices ADD CONSTRAINT reporter_notices_kind_check CHECK (kind IN ('merged', 'resolved'));
--> statement-breakpoint
ALTER TABLE reporter_notices ADD CONSTRAINT reporter_notices_status_check CHECK (status IN ('pending', 'sent', 'failed', 'no_contact'));
--> statement-breakpoint
-- A reporter's notices are visible where the event is.
ALTER TABLE reporter_notices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE reporter_notices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY reporter_notices_area ON reporter_notices TO yiwang_app
  USING (EXISTS (SELECT 1 FROM events e WHERE e.id = reporter_notices.event_id))
  WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = reporter_notices.event_id));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY reporter_notices_owner ON reporter_notices TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
-- The watcher's scans: open events with a running clock, by due time.
CREATE INDEX "events_watch_idx" ON "events" USING btree ("due_at") WHERE clock_since IS NOT NULL AND status NOT IN ('resolved', 'followed_up', 'archived');
--> statement-breakpoint
-- The supervised queue (督办件): open events that were supervised.
CREATE INDEX "events_supervised_idx" ON "events" USING btree ("supervisions") WHERE supervisions > 0 AND status NOT IN ('resolved', 'followed_up', 'archived');
