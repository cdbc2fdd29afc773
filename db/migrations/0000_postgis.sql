-- PostGIS for every geometry column. On a managed server the extension may already exist
-- (created by an administrator); on PGlite the extension is loaded by the client.
CREATE EXTENSION IF NOT EXISTS postgis;
