-- The audit trail is append-only in the database itself: a trigger refuses every UPDATE, DELETE
-- and TRUNCATE of audit_log, and DELETE/TRUNCATE of audit_head, except the retention prune's
-- DELETE (pruneAudit sets yiwang.audit_prune = on for its transaction) of records older than the
-- legal minimum of 184 days (网络安全法 第二十一条). The application role may not even try.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_log' AND TG_LEVEL = 'ROW'
     AND current_setting('yiwang.audit_prune', true) = 'on' THEN
    IF OLD.at < now() - interval '184 days' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM yiwang_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON audit_head FROM yiwang_app;
