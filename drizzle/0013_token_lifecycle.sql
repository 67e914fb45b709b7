CREATE TABLE "agreement_token_history" (
	"access_token_index" text PRIMARY KEY NOT NULL,
	"agreement_id" uuid NOT NULL,
	"access_token_expires_at" timestamp with time zone,
	"superseded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "token_refresh_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "token_refresh_unknown_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "token_refresh_problem" text;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "token_refresh_halted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "token_refresh_halt_code" text;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "token_refresh_halt_message" text;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "reseal_progress" jsonb;--> statement-breakpoint
ALTER TABLE "agreement_token_history" ADD CONSTRAINT "agreement_token_history_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_token_history_agreement_idx" ON "agreement_token_history" USING btree ("agreement_id");--> statement-breakpoint
CREATE INDEX "agreement_token_history_expiry_idx" ON "agreement_token_history" USING btree ("access_token_expires_at");--> statement-breakpoint
CREATE INDEX "agreements_refresh_due_idx" ON "agreements" USING btree ("token_refresh_due_at") WHERE "agreements"."status" = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "agreements_token_key_idx" ON "agreements" USING btree ("token_key_version");--> statement-breakpoint
-- Live agreements get their next refresh two thirds into their token's lifetime (at most 7 days early).
UPDATE "agreements" SET "token_refresh_due_at" = "access_token_expires_at" - LEAST(("access_token_expires_at" - COALESCE("token_refreshed_at", "activated_at", "updated_at")) / 3, interval '7 days') WHERE "status" = 'ACTIVE' AND "access_token_expires_at" IS NOT NULL;
