CREATE TYPE "public"."schedule_email_kind" AS ENUM('reminder', 'receipt', 'payment_failed');--> statement-breakpoint
CREATE TABLE "schedule_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"period_number" integer NOT NULL,
	"kind" "schedule_email_kind" NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"to_address" text,
	"locale" text NOT NULL,
	"subject" text,
	"error" text,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "authorization_links" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "email_reminder_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "email_reminder_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "email_receipt_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "email_failed_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD COLUMN "link_id" uuid;--> statement-breakpoint
ALTER TABLE "schedule_emails" ADD CONSTRAINT "schedule_emails_schedule_id_billing_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."billing_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_emails_once" ON "schedule_emails" USING btree ("schedule_id","period_number","kind");--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_link_id_authorization_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."authorization_links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_link_id_unique" UNIQUE("link_id");