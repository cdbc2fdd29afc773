-- Row-level security and indexes. The planner applies the policies' conditions before any
-- condition of the query that is not LEAKPROOF, and such a condition cannot be an index
-- condition: with RLS on, `geom && box` (tiles, near-by events), `name LIKE '%q%'` (search,
-- trigram indexes) and `tags @> ARRAY[..]` (people by tag) all became sequential scans over
-- millions of rows (measured at city scale: 3 s for the events near one building, 40 s for one
-- search). These operator functions raise no error that depends on a row's value (only on the
-- query's own pattern or on mixed SRIDs, and every stored geometry is EPSG:4326), so they leak
-- nothing and may be marked LEAKPROOF. That takes a superuser: without one the migration goes on
-- with a warning (correct results, slow scans) and an administrator can run this file later.
DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
    'geometry_overlaps(geometry, geometry)',
    'geometry_contains(geometry, geometry)',
    'geometry_within(geometry, geometry)',
    'geography_overlaps(geography, geography)',
    'textlike(text, text)',
    'arraycontains(anyarray, anyarray)',
    'arrayoverlap(anyarray, anyarray)'
  ] LOOP
    BEGIN
      EXECUTE format('ALTER FUNCTION %s LEAKPROOF', f);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'cannot mark % LEAKPROOF (needs a superuser): spatial and text searches under row-level security will not use their indexes', f;
    END;
  END LOOP;
END $$;
