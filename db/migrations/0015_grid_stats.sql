-- Five-colour grade (五色管理) per grid: grid_stats holds each grid's indicators (counted over the
-- grid and everything below it) and its grade 1 红 red (worst) … 5 绿 green, written by
-- refresh_grid_stats() after the seed and every 10 minutes by the server (docs/layers.md).
CREATE TABLE IF NOT EXISTS "grid_stats" (
	"grid_id" integer PRIMARY KEY NOT NULL,
	"people" integer DEFAULT 0 NOT NULL,
	"events_30d" integer DEFAULT 0 NOT NULL,
	"overdue_open" integer DEFAULT 0 NOT NULL,
	"score" real DEFAULT 0 NOT NULL,
	"grade" smallint NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "grid_stats" ADD CONSTRAINT "grid_stats_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- What the refresh counts, index-only: events of the last 30 days and open events past their due time.
CREATE INDEX IF NOT EXISTS events_reported_grid_idx ON events (reported_at) INCLUDE (grid_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS events_open_due_idx ON events (due_at) INCLUDE (grid_id)
  WHERE status NOT IN ('resolved', 'followed_up', 'archived');
--> statement-breakpoint
-- score = 1000 × (events in the last 30 days + 3 × open overdue events) / max(residents, 100):
-- events per 1,000 residents plus a weight on overdue work; the floor of 100 residents keeps
-- grids with few residents (industrial parks, farmland) from topping the list on a handful of
-- events. Per level, grids are ordered by score (worst first) and placed at the midpoint of their
-- rank (ties share a position): top 5 % red, next 10 % orange, next 20 % yellow, next 30 % blue,
-- the rest green; a grid with score 0 is green. Returns the number of grids written, or -1 when
-- another refresh holds the lock (several servers on one database).
CREATE OR REPLACE FUNCTION refresh_grid_stats() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(727275) THEN
    RETURN -1;
  END IF;
  WITH placed AS (
    SELECT grid_id, count(*)::int AS people, 0 AS events_30d, 0 AS overdue_open
      FROM people WHERE grid_id IS NOT NULL GROUP BY grid_id
    UNION ALL
    SELECT grid_id, 0, count(*)::int, 0
      FROM events WHERE reported_at >= now() - interval '30 days' AND grid_id IS NOT NULL GROUP BY grid_id
    UNION ALL
    SELECT grid_id, 0, 0, count(*)::int
      FROM events WHERE due_at < now() AND status NOT IN ('resolved', 'followed_up', 'archived')
       AND grid_id IS NOT NULL GROUP BY grid_id
  ),
  own AS (
    SELECT grid_id, sum(people) AS people, sum(events_30d) AS events_30d, sum(overdue_open) AS overdue_open
      FROM placed GROUP BY grid_id
  ),
  -- Elements sit in the deepest grid; each grid's counts go to every grid on its path.
  rolled AS (
    SELECT up.id::int AS grid_id, sum(o.people)::int AS people, sum(o.events_30d)::int AS events_30d,
           sum(o.overdue_open)::int AS overdue_open
      FROM own o JOIN grids g ON g.id = o.grid_id
     CROSS JOIN LATERAL unnest(string_to_array(btrim(g.path, '/'), '/')) AS up(id)
     GROUP BY up.id
  ),
  scored AS (
    SELECT g.id, g.level, coalesce(r.people, 0) AS people, coalesce(r.events_30d, 0) AS events_30d,
           coalesce(r.overdue_open, 0) AS overdue_open,
           (1000.0 * (coalesce(r.events_30d, 0) + 3 * coalesce(r.overdue_open, 0))
             / greatest(coalesce(r.people, 0), 100))::real AS score
      FROM grids g LEFT JOIN rolled r ON r.grid_id = g.id
  ),
  ranked AS (
    SELECT s.*,
           (rank() OVER (PARTITION BY level ORDER BY score DESC) - 1
             + count(*) OVER (PARTITION BY level, score) / 2.0)
           / count(*) OVER (PARTITION BY level) AS pos
      FROM scored s
  )
  INSERT INTO grid_stats AS t (grid_id, people, events_30d, overdue_open, score, grade, refreshed_at)
  SELECT id, people, events_30d, overdue_open, score,
         CASE WHEN score = 0 THEN 5 WHEN pos < 0.05 THEN 1 WHEN pos < 0.15 THEN 2
              WHEN pos < 0.35 THEN 3 WHEN pos < 0.65 THEN 4 ELSE 5 END,
         now()
    FROM ranked
  ON CONFLICT (grid_id) DO UPDATE SET
    people = EXCLUDED.people, events_30d = EXCLUDED.events_30d, overdue_open = EXCLUDED.overdue_open,
    score = EXCLUDED.score, grade = EXCLUDED.grade, refreshed_at = EXCLUDED.refreshed_at;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
--> statement-breakpoint
-- Row-level security as on the other tables: the application role reads the grids of its area
-- (the whole city short-cuts the lookup) and writes nothing; the owner refreshes.
ALTER TABLE grid_stats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE grid_stats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY grid_stats_area ON grid_stats FOR SELECT TO yiwang_app
  USING (caller_area() = '/' OR EXISTS (
    SELECT 1 FROM grids g WHERE g.id = grid_stats.grid_id AND g.path LIKE caller_area() || '%'));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY grid_stats_owner ON grid_stats TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
GRANT SELECT ON grid_stats TO yiwang_app;
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON grid_stats FROM yiwang_app;
