-- Least-privilege roles for a sepbots fleet on PostgreSQL. Run as the database owner after the
-- first `sepbots` start has created the schema (the owner role runs migrations; runners cannot).
-- Re-run after an upgrade that adds tables. Passwords: set them with \password, never here.
--
--   sepbots_owner      owns the schema, runs migrations and retention (the admin's role)
--   sepbots_runner     what every workstation runner connects as
--   sepbots_dashboard  the operations dashboard and CLI read/operator actions

DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sepbots_runner') THEN CREATE ROLE sepbots_runner LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sepbots_dashboard') THEN CREATE ROLE sepbots_dashboard LOGIN; END IF;
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sepbots_runner, sepbots_dashboard;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO sepbots_runner, sepbots_dashboard;

-- Runners: claim, heartbeat and release items; record runs; append to the audit trail (never
-- change or delete it); read credentials; coordinate (leader lease, fleet slots).
GRANT SELECT ON alembic_version, credentials, audit_installation TO sepbots_runner;
GRANT SELECT, INSERT ON meta TO sepbots_runner;
GRANT SELECT, INSERT, UPDATE ON work_items, item_attempts, runs, audit_head TO sepbots_runner;
GRANT INSERT ON audit_log TO sepbots_runner;
GRANT SELECT, INSERT, UPDATE, DELETE ON fleet_leader, fleet_slots TO sepbots_runner;

-- Dashboard: read everything, retry or mark items handled (with their audit rows); no credentials' secrets.
GRANT SELECT ON alembic_version, meta, runs, work_items, item_attempts, audit_log, audit_head,
                audit_installation, fleet_leader, fleet_slots TO sepbots_dashboard;
-- The dashboard's chain status verifies incrementally and remembers (keyed) how far it got.
GRANT SELECT, INSERT, UPDATE ON audit_verified TO sepbots_dashboard;
GRANT SELECT (name, username, created_at, updated_at) ON credentials TO sepbots_dashboard;
GRANT UPDATE ON work_items, audit_head TO sepbots_dashboard;
GRANT INSERT ON audit_log TO sepbots_dashboard;

-- Scheduler tables (migration 0002), when present: runners enqueue and claim run requests, the
-- dashboard pauses bots and schedules and starts runs.
DO $$ BEGIN
  IF to_regclass('public.run_requests') IS NOT NULL THEN
    GRANT SELECT, INSERT, UPDATE ON run_requests, runner_status TO sepbots_runner;
    GRANT SELECT ON bot_state, schedule_state TO sepbots_runner;
    GRANT SELECT, INSERT, UPDATE, DELETE ON apscheduler_jobs TO sepbots_runner;
    GRANT SELECT, INSERT, UPDATE ON run_requests, bot_state, schedule_state TO sepbots_dashboard;
    GRANT SELECT ON runner_status, apscheduler_jobs TO sepbots_dashboard;
  END IF;
END $$;
