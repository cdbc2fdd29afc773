-- Pre-counted cells for the aggregated tiles of zoom <= 12. A z10 tile over the city centre
-- counts 2.5 million events and a z8 tile all 5 million: from the tile-key index that took 2-7 s
-- a tile (measured at city scale). cell_counts holds, per layer, per cell of the zoom-12 tiles
-- (tile_key >> 16, about 100 m) and per grid, the counts a cell tile needs; a tile of zoom z <= 12
-- sums them up by its own cells (cell >> 2(12-z)), exactly as if it counted the rows. Refreshed
-- with the grid stats (after the seed, every 10 minutes by the server), so these tiles are up to
-- 10 minutes old; tiles with filters the table does not split by are counted from the rows.
CREATE TABLE IF NOT EXISTS "cell_counts" (
	"layer" text NOT NULL,
	"cell" bigint NOT NULL,
	"grid_id" integer NOT NULL,
	"k1" text DEFAULT '' NOT NULL,
	"k2" text DEFAULT '' NOT NULL,
	"n" integer NOT NULL,
	"extra" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS cell_counts_layer_cell_idx ON cell_counts (layer, cell) INCLUDE (grid_id, k1, k2, n, extra);
--> statement-breakpoint
-- people: k1 '' = every resident, or one tag (a resident counts once per tag); things: k1 kind,
-- k2 status; events: extra = open and past the due time.
CREATE OR REPLACE FUNCTION refresh_cell_counts() RETURNS integer LANGUAGE plpgsql
SET work_mem = '64MB' SET jit = off AS $$
DECLARE
  written integer := 0;
  more integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(727276) THEN
    RETURN -1;
  END IF;
  -- Readers keep the previous counts until this transaction commits.
  DELETE FROM cell_counts;
  INSERT INTO cell_counts (layer, cell, grid_id, n, extra)
  SELECT 'events', tile_key >> 16, grid_id, count(*),
         count(*) FILTER (WHERE due_at < now() AND status NOT IN ('resolved', 'followed_up', 'archived'))
    FROM events WHERE grid_id IS NOT NULL GROUP BY 2, 3;
  GET DIAGNOSTICS more = ROW_COUNT;
  written := written + more;
  INSERT INTO cell_counts (layer, cell, grid_id, n)
  SELECT 'people', tile_key >> 16, grid_id, count(*) FROM people WHERE grid_id IS NOT NULL GROUP BY 2, 3;
  GET DIAGNOSTICS more = ROW_COUNT;
  written := written + more;
  INSERT INTO cell_counts (layer, cell, grid_id, k1, n)
  SELECT 'people', p.tile_key >> 16, p.grid_id, t.tag, count(*)
    FROM people p CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.tags)) AS t(tag)
   WHERE p.grid_id IS NOT NULL AND p.tags <> '{}' GROUP BY 2, 3, 4;
  GET DIAGNOSTICS more = ROW_COUNT;
  written := written + more;
  INSERT INTO cell_counts (layer, cell, grid_id, k1, k2, n)
  SELECT 'things', tile_key >> 16, grid_id, kind, status, count(*)
    FROM things WHERE grid_id IS NOT NULL GROUP BY 2, 3, 4, 5;
  GET DIAGNOSTICS more = ROW_COUNT;
  RETURN written + more;
END $$;
--> statement-breakpoint
-- The refreshes group millions of rows: in memory, without JIT compiling.
ALTER FUNCTION refresh_grid_stats() SET work_mem = '64MB';
--> statement-breakpoint
ALTER FUNCTION refresh_grid_stats() SET jit = off;
--> statement-breakpoint
ALTER TABLE cell_counts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cell_counts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY cell_counts_area ON cell_counts FOR SELECT TO yiwang_app
  USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
DO $$ BEGIN EXECUTE format('CREATE POLICY cell_counts_owner ON cell_counts TO %I USING (true) WITH CHECK (true)', current_user); END $$;
--> statement-breakpoint
GRANT SELECT ON cell_counts TO yiwang_app;
--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON cell_counts FROM yiwang_app;
--> statement-breakpoint
-- grid_stats like the element tables: one hashed lookup of the area's grids per query instead of
-- a probe per row.
ALTER POLICY grid_stats_area ON grid_stats USING (caller_area() = '/' OR grid_id IN (SELECT id FROM grids));
--> statement-breakpoint
-- Events of a time window (the map's day slider) at low zoom: the reported-time index covers the
-- cell counts, so a tile of one week reads that week's rows instead of the tile's whole history.
DROP INDEX IF EXISTS events_reported_grid_idx;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS events_reported_cells_idx ON events (reported_at) INCLUDE (grid_id, tile_key, status, due_at);
