-- Grid hierarchy upkeep and 落图进格 (placing every element into its grid), done by the database
-- so that no client code can put an element into the wrong grid.

-- grids: materialized path, label point, area, and history of earlier boundaries.
CREATE OR REPLACE FUNCTION grids_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_path text;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
    IF NEW.parent_id IS NULL THEN
      parent_path := '/';
    ELSE
      SELECT path INTO parent_path FROM grids WHERE id = NEW.parent_id;
      IF parent_path IS NULL THEN
        RAISE EXCEPTION 'grid %: parent % does not exist', NEW.code, NEW.parent_id;
      END IF;
      IF parent_path LIKE '%/' || NEW.id || '/%' THEN
        RAISE EXCEPTION 'grid %: parent % lies inside it (a cycle)', NEW.code, NEW.parent_id;
      END IF;
    END IF;
    NEW.path := parent_path || NEW.id || '/';
  END IF;
  IF TG_OP = 'INSERT' OR NOT ST_Equals(NEW.geom, OLD.geom) THEN
    NEW.label_point := ST_PointOnSurface(NEW.geom);
    NEW.area_m2 := ST_Area(NEW.geom::geography);
  END IF;
  IF TG_OP = 'UPDATE' AND (NOT ST_Equals(NEW.geom, OLD.geom) OR NEW.parent_id IS DISTINCT FROM OLD.parent_id) THEN
    INSERT INTO grid_history (grid_id, code, name, level, parent_id, geom, version, valid_from, valid_to, source)
    VALUES (OLD.id, OLD.code, OLD.name, OLD.level, OLD.parent_id, OLD.geom, OLD.version, OLD.valid_from, now(), OLD.source);
    NEW.version := OLD.version + 1;
    NEW.valid_from := now();
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint

CREATE TRIGGER grids_before_write BEFORE INSERT OR UPDATE ON grids
  FOR EACH ROW EXECUTE FUNCTION grids_before_write();--> statement-breakpoint

-- When a grid moves to another parent, its whole subtree's paths follow.
CREATE OR REPLACE FUNCTION grids_after_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.path <> OLD.path THEN
    UPDATE grids SET path = NEW.path || substring(path FROM length(OLD.path) + 1)
     WHERE path LIKE OLD.path || '%' AND id <> NEW.id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint

CREATE TRIGGER grids_after_move AFTER UPDATE OF parent_id ON grids
  FOR EACH ROW EXECUTE FUNCTION grids_after_move();--> statement-breakpoint

-- The deepest grid that holds a point: leaf grids first (cheap, small polygons), then any level.
CREATE OR REPLACE FUNCTION grid_at(g geometry) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT id FROM grids WHERE level >= 5 AND geom && g AND ST_Intersects(geom, g) ORDER BY level DESC, id LIMIT 1),
    (SELECT id FROM grids WHERE geom && g AND ST_Intersects(geom, g) ORDER BY level DESC, id LIMIT 1)
  )
$$;--> statement-breakpoint

-- 落图进格: every element's grid_id follows its geom. Application code never sets grid_id.
CREATE OR REPLACE FUNCTION place_in_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.geom IS NULL THEN
    NEW.grid_id := NULL;
  ELSE
    NEW.grid_id := grid_at(NEW.geom);
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint

CREATE TRIGGER addresses_place BEFORE INSERT OR UPDATE OF geom, grid_id ON addresses FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER compounds_place BEFORE INSERT OR UPDATE OF geom, grid_id ON compounds FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER buildings_place BEFORE INSERT OR UPDATE OF geom, grid_id ON buildings FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER public_places_place BEFORE INSERT OR UPDATE OF geom, grid_id ON public_places FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER households_place BEFORE INSERT OR UPDATE OF geom, grid_id ON households FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER people_place BEFORE INSERT OR UPDATE OF geom, grid_id ON people FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER things_place BEFORE INSERT OR UPDATE OF geom, grid_id ON things FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER events_place BEFORE INSERT OR UPDATE OF geom, grid_id ON events FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint
CREATE TRIGGER organisations_place BEFORE INSERT OR UPDATE OF geom, grid_id ON organisations FOR EACH ROW EXECUTE FUNCTION place_in_grid();--> statement-breakpoint

-- After boundaries change (import, redraw), place again every element that lies in the changed area.
CREATE OR REPLACE FUNCTION replace_elements_in(area geometry) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint := 0;
  k bigint;
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['addresses','compounds','buildings','public_places','households','people','things','events','organisations'] LOOP
    EXECUTE format('UPDATE %I SET grid_id = NULL WHERE geom && $1 AND ST_Intersects(geom, $1)', t) USING area;
    GET DIAGNOSTICS k = ROW_COUNT;
    n := n + k;
  END LOOP;
  RETURN n;
END $$;--> statement-breakpoint
