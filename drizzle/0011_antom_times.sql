ALTER TABLE "payments" ADD COLUMN "payment_time" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "refund_time" timestamp with time zone;