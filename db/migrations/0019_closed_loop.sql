CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_attachments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"mime" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer
);
--> statement-breakpoint
CREATE TABLE "event_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"department_id" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"ask" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" integer,
	"due_at" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone,
	"report" text,
	"score" smallint,
	"scored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "loop_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_actions" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "handling_level" smallint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "co_department_ids" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "limit_ms" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "used_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "clock_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "supervisions" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "resolved_direct" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "followed_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "duplicate_of" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "reporter_name" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "reporter_phone_enc" "bytea";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "reporter_phone_hash" "bytea";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "reporter_phone_masked" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "created_by" integer;--> statement-breakpoint
ALTER TABLE "event_attachments" ADD CONSTRAINT "event_attachments_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_tasks" ADD CONSTRAINT "event_tasks_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_tasks" ADD CONSTRAINT "event_tasks_department_id_organisations_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_attachments_event_idx" ON "event_attachments" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "event_tasks_event_idx" ON "event_tasks" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "event_tasks_department_idx" ON "event_tasks" USING btree ("department_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "event_tasks_event_department_key" ON "event_tasks" USING btree ("event_id","department_id");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_duplicate_of_events_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "events_idempotency_key" ON "events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "events_duplicate_of_idx" ON "events" USING btree ("duplicate_of");--> statement-breakpoint
-- Open events by due time (the nearly-due and overdue queues).
CREATE INDEX "events_due_open_idx" ON "events" USING btree ("due_at");--> statement-breakpoint
-- The whistle's sub-tasks and an event's attachments are visible where the event is.
ALTER TABLE event_tasks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE event_tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY event_tasks_area ON event_tasks TO yiwang_app
  USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_tasks.event_id))
  WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_tasks.event_id));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY event_tasks_owner ON event_tasks TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE event_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE event_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY event_attachments_area ON event_attachments TO yiwang_app
  USING (EXISTS (SELECT 1 FROM events e WHERE e.id = event_attachments.event_id))
  WITH CHECK (EXISTS (SELECT 1 FROM events e WHERE e.id = event_attachments.event_id));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY event_attachments_owner ON event_attachments TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
ALTER TABLE calendar_days ADD CONSTRAINT calendar_days_kind_check CHECK (kind IN ('holiday', 'workday'));
--> statement-breakpoint
ALTER TABLE event_tasks ADD CONSTRAINT event_tasks_score_check CHECK (score BETWEEN 1 AND 5);
