ALTER TABLE "merchant_settings" ADD COLUMN "time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "time_zone" text;