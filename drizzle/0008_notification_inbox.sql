CREATE TABLE "inbox_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"channel" text NOT NULL,
	"notify_type" text NOT NULL,
	"object_type" text,
	"object_ref" text,
	"outcome" text NOT NULL,
	"outcome_detail" text,
	"work_status" text,
	"raw_body_ciphertext" text NOT NULL,
	"body_sha256" text NOT NULL,
	"masked_body" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbox_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inbox_event_id" uuid,
	"channel" text NOT NULL,
	"path" text NOT NULL,
	"request_path" text,
	"notify_type" text,
	"object_ref" text,
	"signature_verdict" text NOT NULL,
	"signature_error_code" text,
	"signature_error_message" text,
	"key_version" text,
	"client_id" text,
	"request_time" text,
	"dedupe_verdict" text,
	"outcome" text NOT NULL,
	"http_status" integer NOT NULL,
	"headers" jsonb NOT NULL,
	"masked_body" text,
	"body_bytes" integer,
	"latency_ms" integer NOT NULL,
	"replayed_by" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "token_refresh_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "token_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_inbox_event_id_inbox_events_id_fk" FOREIGN KEY ("inbox_event_id") REFERENCES "public"."inbox_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbox_events_received_idx" ON "inbox_events" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "inbox_events_pending_work_idx" ON "inbox_events" USING btree ("received_at") WHERE "inbox_events"."work_status" = 'pending';--> statement-breakpoint
CREATE INDEX "notification_deliveries_received_idx" ON "notification_deliveries" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "notification_deliveries_inbox_idx" ON "notification_deliveries" USING btree ("inbox_event_id");--> statement-breakpoint
CREATE INDEX "notification_deliveries_object_idx" ON "notification_deliveries" USING btree ("object_ref");