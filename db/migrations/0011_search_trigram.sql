-- Search (搜索) over addresses, buildings, compounds, public places and organisations
-- by any part of the text: trigram GIN indexes (pg_trgm, a trusted extension on
-- PostgreSQL; loaded as a PGlite extension on the embedded default).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS addresses_full_text_trgm ON addresses USING gin (full_text gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS buildings_name_trgm ON buildings USING gin (name gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS compounds_name_trgm ON compounds USING gin (name gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS public_places_name_trgm ON public_places USING gin (name gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS organisations_name_trgm ON organisations USING gin (name gin_trgm_ops);
--> statement-breakpoint
-- An event by its id in the source system alone (工单号), whatever the source.
CREATE INDEX IF NOT EXISTS events_external_id_idx ON events (external_id);
--> statement-breakpoint
-- Residents by name prefix (the register and the search box): LIKE 'q%' needs pattern ops
-- under a collation other than C.
CREATE INDEX IF NOT EXISTS people_name_pattern_idx ON people (name text_pattern_ops);
