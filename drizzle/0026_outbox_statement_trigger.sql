-- The outbox rows of a statement's timeline entries are written by one statement-level trigger per table (its
-- transition table) instead of a row trigger each, and no longer NOTIFY. PostgreSQL serialises the commits of
-- every transaction that issued a NOTIFY (a database-wide lock from the queue insert to the end of the commit,
-- WAL flush included), so a NOTIFY in each event-writing transaction made every charge, result and settlement
-- commit one at a time (bench/billing-run.bench.ts: most busy backends waiting on "Lock: object"). The webhook
-- dispatcher looks at the outbox itself now (lib/webhooks/dispatch-webhooks.ts). With no enabled endpoint there
-- is nobody to deliver to, so nothing is queued (an endpoint added later gets the events from then on, as the
-- fan-out already did for disabled ones); GET /api/v1/events reads the timelines themselves, not the outbox.
DROP TRIGGER agreement_events_webhook_outbox ON agreement_events;--> statement-breakpoint
DROP TRIGGER payment_events_webhook_outbox ON payment_events;--> statement-breakpoint
DROP TRIGGER schedule_events_webhook_outbox ON schedule_events;--> statement-breakpoint
DROP TRIGGER recon_discrepancy_events_webhook_outbox ON recon_discrepancy_events;--> statement-breakpoint
DROP FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE FUNCTION webhook_outbox_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE disabled_at IS NULL) THEN
    INSERT INTO webhook_outbox (event_id) SELECT id FROM added;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER agreement_events_webhook_outbox AFTER INSERT ON agreement_events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE TRIGGER payment_events_webhook_outbox AFTER INSERT ON payment_events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE TRIGGER schedule_events_webhook_outbox AFTER INSERT ON schedule_events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE TRIGGER recon_discrepancy_events_webhook_outbox AFTER INSERT ON recon_discrepancy_events REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_write();
