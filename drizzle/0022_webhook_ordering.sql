ALTER TABLE "webhook_deliveries" ADD COLUMN "object_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "event_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_object_pending_idx" ON "webhook_deliveries" USING btree ("endpoint_id","object_key","event_at","event_id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
UPDATE "webhook_deliveries" SET "event_at" = "created_at", "object_key" = 'delivery:' || "id";
