CREATE TYPE "public"."intent_retry_policy" AS ENUM('none', 'soft_declines');--> statement-breakpoint
CREATE TABLE "charge_intents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_key" text NOT NULL,
	"agreement_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"description" text NOT NULL,
	"source" "payment_initiator" NOT NULL,
	"retry_policy" "intent_retry_policy" DEFAULT 'soft_declines' NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "charge_intents_business_key_unique" UNIQUE("business_key"),
	CONSTRAINT "charge_intents_amount_positive" CHECK ("charge_intents"."amount_minor" > 0),
	CONSTRAINT "charge_intents_max_attempts" CHECK ("charge_intents"."max_attempts" between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "intent_id" uuid;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "attempt_number" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "cancel_claimed_at" timestamp with time zone;--> statement-breakpoint
-- Every existing payment becomes the single attempt of an intent of its own (same id, so links keep working).
-- The business key is its order reference; a reference that several payments shared gets the payment's
-- request id appended, so none is lost and every key stays unique.
INSERT INTO "charge_intents" ("id", "business_key", "agreement_id", "customer_id", "amount_minor", "currency", "description", "source", "retry_policy", "max_attempts", "created_by", "created_at")
SELECT "id",
       CASE WHEN count(*) OVER (PARTITION BY "reference_order_id") = 1 THEN "reference_order_id" ELSE "reference_order_id" || '#' || "payment_request_id" END,
       "agreement_id", "customer_id", "amount_minor", "currency", "description", "initiator", 'none', 1, "initiated_by", "created_at"
FROM "payments";--> statement-breakpoint
UPDATE "payments" SET "intent_id" = "id";--> statement-breakpoint
ALTER TABLE "payments" ALTER COLUMN "intent_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "charge_intents" ADD CONSTRAINT "charge_intents_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charge_intents" ADD CONSTRAINT "charge_intents_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charge_intents" ADD CONSTRAINT "charge_intents_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "charge_intents_agreement_idx" ON "charge_intents" USING btree ("agreement_id","created_at");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_intent_id_charge_intents_id_fk" FOREIGN KEY ("intent_id") REFERENCES "public"."charge_intents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_intent_attempt_unique" ON "payments" USING btree ("intent_id","attempt_number");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_open_attempt" ON "payments" USING btree ("intent_id") WHERE "payments"."status" in ('REQUIRES_CONFIRMATION', 'CREATED', 'PROCESSING', 'UNKNOWN');--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_succeeded_attempt" ON "payments" USING btree ("intent_id") WHERE "payments"."status" = 'SUCCEEDED';--> statement-breakpoint
CREATE INDEX "payments_agreement_open_idx" ON "payments" USING btree ("agreement_id") WHERE "payments"."status" in ('CREATED', 'PROCESSING', 'UNKNOWN');--> statement-breakpoint
-- A new attempt only after every earlier attempt of its intent ended without money moving (FAILED, or CANCELLED
-- before any success), and only while the intent's retry policy allows another. Together with the two partial
-- unique indexes this holds under concurrency: two racing inserts both pass this check, and the open-attempt
-- index refuses the second. An intent inserted by the same statement is not visible here yet; it has no
-- attempts, so the first attempt passes (the foreign key still checks that the intent exists).
CREATE FUNCTION "payments_attempt_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  blocking text;
  tries integer;
  policy text;
  allowed integer;
BEGIN
  SELECT status::text INTO blocking FROM payments
    WHERE intent_id = NEW.intent_id AND (status NOT IN ('FAILED', 'CANCELLED') OR succeeded_at IS NOT NULL)
    LIMIT 1;
  IF blocking IS NOT NULL THEN
    RAISE EXCEPTION 'charge intent % already has a % attempt', NEW.intent_id, blocking
      USING ERRCODE = '23505', CONSTRAINT = 'payments_attempt_guard';
  END IF;
  SELECT count(*) INTO tries FROM payments WHERE intent_id = NEW.intent_id;
  IF tries > 0 THEN
    SELECT retry_policy::text, max_attempts INTO policy, allowed FROM charge_intents WHERE id = NEW.intent_id;
    IF policy = 'none' OR tries >= allowed THEN
      RAISE EXCEPTION 'charge intent % allows no further attempt (% of % made, policy %)', NEW.intent_id, tries, allowed, policy
        USING ERRCODE = '23505', CONSTRAINT = 'payments_attempt_guard';
    END IF;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "payments_attempt_guard" BEFORE INSERT ON "payments" FOR EACH ROW EXECUTE FUNCTION "payments_attempt_guard"();