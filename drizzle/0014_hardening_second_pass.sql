ALTER TABLE "notification_deliveries" ADD COLUMN "source_ip" text;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "body_sha256" text;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "rejection_key" text;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "repeat_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "last_received_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "notification_deliveries_rejected_expiry_idx" ON "notification_deliveries" USING btree ("last_received_at") WHERE "notification_deliveries"."rejection_key" is not null;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_rejection_key_unique" UNIQUE("rejection_key");