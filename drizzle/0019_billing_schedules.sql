CREATE TYPE "public"."schedule_interval_unit" AS ENUM('day', 'week', 'month', 'year');--> statement-breakpoint
CREATE TYPE "public"."schedule_period_status" AS ENUM('charging', 'retrying', 'paid', 'failed');--> statement-breakpoint
CREATE TYPE "public"."schedule_status" AS ENUM('ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID', 'CANCELED', 'COMPLETED');--> statement-breakpoint
CREATE TABLE "billing_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text NOT NULL,
	"interval_unit" "schedule_interval_unit" NOT NULL,
	"interval_count" integer NOT NULL,
	"anchor_day" integer,
	"time_zone" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"max_periods" integer,
	"catch_up" boolean DEFAULT false NOT NULL,
	"status" "schedule_status" DEFAULT 'ACTIVE' NOT NULL,
	"status_reason" text,
	"next_period" integer DEFAULT 0 NOT NULL,
	"next_due_at" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_schedules_amount_positive" CHECK ("billing_schedules"."amount_minor" > 0),
	CONSTRAINT "billing_schedules_interval_count" CHECK ("billing_schedules"."interval_count" >= 1),
	CONSTRAINT "billing_schedules_anchor_day" CHECK ("billing_schedules"."anchor_day" is null or "billing_schedules"."anchor_day" between 1 and 31),
	CONSTRAINT "billing_schedules_max_periods" CHECK ("billing_schedules"."max_periods" is null or "billing_schedules"."max_periods" >= 1)
);
--> statement-breakpoint
CREATE TABLE "schedule_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"schedule_id" uuid NOT NULL,
	"period_number" integer,
	"type" text NOT NULL,
	"message" text NOT NULL,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"period_number" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"business_key" text NOT NULL,
	"intent_id" uuid,
	"status" "schedule_period_status" DEFAULT 'charging' NOT NULL,
	"tries" integer DEFAULT 0 NOT NULL,
	"last_tried_at" timestamp with time zone,
	"next_retry_at" timestamp with time zone,
	"last_failure_code" text,
	"last_failure_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_periods_business_key_unique" UNIQUE("business_key")
);
--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "dunning_ladder_days" integer[] DEFAULT '{1,3,5,7}' NOT NULL;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "dunning_after_ladder" text DEFAULT 'PAST_DUE' NOT NULL;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_schedules" ADD CONSTRAINT "billing_schedules_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_events" ADD CONSTRAINT "schedule_events_schedule_id_billing_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."billing_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_periods" ADD CONSTRAINT "schedule_periods_schedule_id_billing_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."billing_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_periods" ADD CONSTRAINT "schedule_periods_intent_id_charge_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."charge_intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_schedules_due_idx" ON "billing_schedules" USING btree ("next_due_at") WHERE "billing_schedules"."status" in ('ACTIVE', 'PAST_DUE') and "billing_schedules"."next_due_at" is not null;--> statement-breakpoint
CREATE INDEX "billing_schedules_agreement_idx" ON "billing_schedules" USING btree ("agreement_id");--> statement-breakpoint
CREATE INDEX "billing_schedules_status_created_idx" ON "billing_schedules" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "billing_schedules_created_idx" ON "billing_schedules" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "schedule_events_schedule_idx" ON "schedule_events" USING btree ("schedule_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "schedule_periods_schedule_period_unique" ON "schedule_periods" USING btree ("schedule_id","period_number");--> statement-breakpoint
CREATE INDEX "schedule_periods_retry_idx" ON "schedule_periods" USING btree ("next_retry_at") WHERE "schedule_periods"."status" = 'retrying';--> statement-breakpoint
CREATE INDEX "schedule_periods_charging_idx" ON "schedule_periods" USING btree ("updated_at") WHERE "schedule_periods"."status" = 'charging';