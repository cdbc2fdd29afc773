CREATE TABLE "roles" (
	"id" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"user_id" integer NOT NULL,
	"role_id" text NOT NULL,
	CONSTRAINT "user_roles_user_id_role_id_pk" PRIMARY KEY("user_id","role_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text,
	"area_grid_id" integer,
	"org_id" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" smallint NOT NULL,
	"parent_id" integer,
	"path_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_actions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_user_id" integer,
	"actor_org_id" integer,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"category_id" integer,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"address" text,
	"status" text DEFAULT 'received' NOT NULL,
	"priority" smallint DEFAULT 3 NOT NULL,
	"department_id" integer,
	"due_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"satisfaction" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "grid_history" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" smallint NOT NULL,
	"parent_id" integer,
	"geom" geometry(MultiPolygon,4326) NOT NULL,
	"version" integer NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grids" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" smallint NOT NULL,
	"kind" text NOT NULL,
	"parent_id" integer,
	"path" text DEFAULT '' NOT NULL,
	"geom" geometry(MultiPolygon,4326) NOT NULL,
	"label_point" geometry(Point,4326),
	"area_m2" double precision,
	"version" integer DEFAULT 1 NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text DEFAULT 'seed' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"code" text NOT NULL,
	"parent_id" integer,
	"area_grid_id" integer,
	"credit_rating" text,
	"phone" text,
	"geom" geometry(Point,4326),
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "responsibilities" (
	"id" serial PRIMARY KEY NOT NULL,
	"category_id" integer NOT NULL,
	"area_level" smallint NOT NULL,
	"lead_department" text NOT NULL,
	"co_departments" text[] DEFAULT '{}' NOT NULL,
	"time_limit" integer NOT NULL,
	"time_limit_unit" text NOT NULL,
	"basis" text
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"building_id" bigint NOT NULL,
	"room" text NOT NULL,
	"size" smallint NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"household_id" bigint,
	"building_id" bigint,
	"name" text NOT NULL,
	"gender" text NOT NULL,
	"birth_year" smallint NOT NULL,
	"residence" text NOT NULL,
	"relation" text DEFAULT 'head' NOT NULL,
	"id_number_enc" "bytea" NOT NULL,
	"id_number_hash" "bytea" NOT NULL,
	"id_number_masked" text NOT NULL,
	"phone_enc" "bytea",
	"phone_masked" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "addresses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"road" text NOT NULL,
	"number" text NOT NULL,
	"full_text" text NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer,
	CONSTRAINT "addresses_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "buildings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"address_id" bigint,
	"compound_id" integer,
	"name" text NOT NULL,
	"use" text NOT NULL,
	"floors" smallint NOT NULL,
	"footprint" geometry(Polygon,4326) NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "compounds" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"footprint" geometry(Polygon,4326) NOT NULL,
	"geom" geometry(Point,4326) NOT NULL,
	"property_org_id" integer,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "public_places" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"address_text" text,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer
);
--> statement-breakpoint
CREATE TABLE "things" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"coverage" geometry(Polygon,4326),
	"installed_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"owner_org_id" integer,
	"geom" geometry(Point,4326) NOT NULL,
	"grid_id" integer,
	CONSTRAINT "things_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_area_grid_id_grids_id_fk" FOREIGN KEY ("area_grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_id_categories_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_actions" ADD CONSTRAINT "event_actions_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_actions" ADD CONSTRAINT "event_actions_actor_org_id_organisations_id_fk" FOREIGN KEY ("actor_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_department_id_organisations_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grids" ADD CONSTRAINT "grids_parent_id_grids_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_parent_id_organisations_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_area_grid_id_grids_id_fk" FOREIGN KEY ("area_grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibilities" ADD CONSTRAINT "responsibilities_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "addresses" ADD CONSTRAINT "addresses_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_address_id_addresses_id_fk" FOREIGN KEY ("address_id") REFERENCES "public"."addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compounds" ADD CONSTRAINT "compounds_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_places" ADD CONSTRAINT "public_places_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "things" ADD CONSTRAINT "things_owner_org_id_organisations_id_fk" FOREIGN KEY ("owner_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "things" ADD CONSTRAINT "things_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_area_idx" ON "users" USING btree ("area_grid_id");--> statement-breakpoint
CREATE UNIQUE INDEX "categories_code_key" ON "categories" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "categories_path_name_key" ON "categories" USING btree ("path_name");--> statement-breakpoint
CREATE INDEX "event_actions_event_idx" ON "event_actions" USING btree ("event_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_source_external_key" ON "events" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "events_geom_idx" ON "events" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "events_grid_idx" ON "events" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "events_reported_idx" ON "events" USING btree ("reported_at");--> statement-breakpoint
CREATE INDEX "events_status_idx" ON "events" USING btree ("status");--> statement-breakpoint
CREATE INDEX "events_category_idx" ON "events" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "events_department_idx" ON "events" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "grid_history_grid_idx" ON "grid_history" USING btree ("grid_id","version");--> statement-breakpoint
CREATE INDEX "grid_history_geom_idx" ON "grid_history" USING gist ("geom");--> statement-breakpoint
CREATE UNIQUE INDEX "grids_code_key" ON "grids" USING btree ("code");--> statement-breakpoint
CREATE INDEX "grids_parent_idx" ON "grids" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "grids_level_idx" ON "grids" USING btree ("level");--> statement-breakpoint
CREATE INDEX "grids_path_idx" ON "grids" USING btree ("path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "grids_geom_idx" ON "grids" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "grids_name_idx" ON "grids" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_code_key" ON "organisations" USING btree ("code");--> statement-breakpoint
CREATE INDEX "organisations_kind_idx" ON "organisations" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "organisations_area_idx" ON "organisations" USING btree ("area_grid_id");--> statement-breakpoint
CREATE INDEX "organisations_grid_idx" ON "organisations" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "organisations_geom_idx" ON "organisations" USING gist ("geom");--> statement-breakpoint
CREATE UNIQUE INDEX "responsibilities_category_level_key" ON "responsibilities" USING btree ("category_id","area_level");--> statement-breakpoint
CREATE INDEX "households_building_idx" ON "households" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "households_grid_idx" ON "households" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "households_geom_idx" ON "households" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "people_id_hash_idx" ON "people" USING btree ("id_number_hash");--> statement-breakpoint
CREATE INDEX "people_household_idx" ON "people" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_building_idx" ON "people" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "people_grid_idx" ON "people" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "people_tags_idx" ON "people" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "people_geom_idx" ON "people" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "people_name_idx" ON "people" USING btree ("name");--> statement-breakpoint
CREATE INDEX "addresses_geom_idx" ON "addresses" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "addresses_grid_idx" ON "addresses" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "addresses_full_text_idx" ON "addresses" USING btree ("full_text");--> statement-breakpoint
CREATE INDEX "buildings_geom_idx" ON "buildings" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "buildings_footprint_idx" ON "buildings" USING gist ("footprint");--> statement-breakpoint
CREATE INDEX "buildings_grid_idx" ON "buildings" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "buildings_address_idx" ON "buildings" USING btree ("address_id");--> statement-breakpoint
CREATE INDEX "compounds_geom_idx" ON "compounds" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "compounds_footprint_idx" ON "compounds" USING gist ("footprint");--> statement-breakpoint
CREATE INDEX "compounds_grid_idx" ON "compounds" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "public_places_geom_idx" ON "public_places" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "public_places_grid_idx" ON "public_places" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "things_geom_idx" ON "things" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "things_coverage_idx" ON "things" USING gist ("coverage");--> statement-breakpoint
CREATE INDEX "things_grid_idx" ON "things" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "things_kind_status_idx" ON "things" USING btree ("kind","status");