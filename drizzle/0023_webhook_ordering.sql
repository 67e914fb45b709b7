CREATE TABLE "webhook_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Events the cursor fan-out had not reached yet go to the outbox (none if it never ran: history is not sent).
INSERT INTO "webhook_outbox" ("event_id")
SELECT e.id FROM (
  SELECT id, created_at FROM agreement_events
  UNION ALL SELECT id, created_at FROM payment_events
  UNION ALL SELECT id, at AS created_at FROM schedule_events
) e, "webhook_fanout_cursor" c
WHERE c.id = 1 AND (e.created_at, e.id) > (c.after_created_at, c.after_id)
ORDER BY e.created_at, e.id;--> statement-breakpoint
ALTER TABLE "webhook_fanout_cursor" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "webhook_fanout_cursor" CASCADE;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "object_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "event_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "webhook_deliveries" SET "event_at" = "created_at", "object_key" = 'delivery:' || "id";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_object_pending_idx" ON "webhook_deliveries" USING btree ("endpoint_id","object_key","event_at","event_id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
-- Every timeline row writes its outbox row in the same statement (lib/webhooks/event-source.ts reads them back).
CREATE FUNCTION webhook_outbox_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_outbox (event_id) VALUES (NEW.id);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER agreement_events_webhook_outbox AFTER INSERT ON agreement_events FOR EACH ROW EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE TRIGGER payment_events_webhook_outbox AFTER INSERT ON payment_events FOR EACH ROW EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
CREATE TRIGGER schedule_events_webhook_outbox AFTER INSERT ON schedule_events FOR EACH ROW EXECUTE FUNCTION webhook_outbox_write();
