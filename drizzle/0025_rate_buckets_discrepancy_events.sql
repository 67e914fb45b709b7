CREATE TABLE "recon_discrepancy_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"discrepancy_id" uuid NOT NULL,
	"type" text DEFAULT 'discrepancy_opened' NOT NULL,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recon_discrepancy_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "api_rate_buckets" (
	"api_key_id" uuid PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "outbox_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_rate_buckets" ADD CONSTRAINT "api_rate_buckets_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Discrepancies already open count as opened (before the outbox trigger exists: history is not sent).
INSERT INTO "recon_discrepancy_events" ("dedupe_key", "discrepancy_id", "detail", "created_at")
SELECT dedupe_key, id, jsonb_build_object('kind', kind, 'report_date', report_date), created_at FROM "recon_discrepancies"
ON CONFLICT ("dedupe_key") DO NOTHING;--> statement-breakpoint
-- The outbox trigger also notifies: the webhook dispatcher LISTENs and wakes at once instead of polling
-- (identical notifications of one transaction are delivered once).
CREATE OR REPLACE FUNCTION webhook_outbox_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_outbox (event_id) VALUES (NEW.id);
  PERFORM pg_notify('webhook_outbox', '');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER recon_discrepancy_events_webhook_outbox AFTER INSERT ON recon_discrepancy_events FOR EACH ROW EXECUTE FUNCTION webhook_outbox_write();--> statement-breakpoint
-- Opening a discrepancy writes its timeline row in the same statement; a dedupe key already opened once
-- (re-matching a day deletes and re-inserts its OPEN rows) writes nothing.
CREATE FUNCTION recon_discrepancy_opened() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO recon_discrepancy_events (dedupe_key, discrepancy_id, detail)
  VALUES (NEW.dedupe_key, NEW.id, jsonb_build_object(
    'kind', NEW.kind, 'report_date', NEW.report_date, 'payment_id', NEW.payment_id, 'refund_id', NEW.refund_id,
    'settlement_batch_id', NEW.settlement_batch_id, 'transaction_request_id', NEW.transaction_request_id,
    'currency', NEW.currency, 'report_value', NEW.report_value, 'ledger_value', NEW.ledger_value))
  ON CONFLICT (dedupe_key) DO NOTHING;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER recon_discrepancies_opened AFTER INSERT ON recon_discrepancies FOR EACH ROW EXECUTE FUNCTION recon_discrepancy_opened();
