CREATE TYPE "public"."agreement_status" AS ENUM('PENDING', 'APPLYING', 'ACTIVE', 'DECLINED', 'FAILED', 'EXPIRED', 'REVOKED', 'INVALID');--> statement-breakpoint
CREATE TYPE "public"."authorization_link_status" AS ENUM('OPEN', 'USED', 'REVOKED');--> statement-breakpoint
CREATE TABLE "agreement_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"type" text NOT NULL,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"link_id" uuid,
	"payment_method" text NOT NULL,
	"status" "agreement_status" DEFAULT 'PENDING' NOT NULL,
	"terminal_type" text NOT NULL,
	"os_type" text,
	"auth_state_index" text NOT NULL,
	"auth_state_expires_at" timestamp with time zone NOT NULL,
	"buyer_binding_index" text NOT NULL,
	"auth_code_index" text,
	"apply_started_at" timestamp with time zone,
	"access_token_ciphertext" text,
	"access_token_index" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_ciphertext" text,
	"refresh_token_expires_at" timestamp with time zone,
	"token_key_version" smallint,
	"user_login_id_masked" text,
	"failure_code" text,
	"failure_message" text,
	"activated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agreements_auth_state_index_unique" UNIQUE("auth_state_index"),
	CONSTRAINT "agreements_auth_code_index_unique" UNIQUE("auth_code_index"),
	CONSTRAINT "agreements_access_token_index_unique" UNIQUE("access_token_index")
);
--> statement-breakpoint
CREATE TABLE "authorization_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" "authorization_link_status" DEFAULT 'OPEN' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "authorization_links_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "api_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"endpoint" text NOT NULL,
	"path" text NOT NULL,
	"attempt" integer NOT NULL,
	"request_time" text NOT NULL,
	"request_body" jsonb,
	"response_status" integer,
	"response_body" jsonb,
	"outcome" text,
	"result_status" text,
	"result_code" text,
	"signature_verified" text,
	"error_code" text,
	"error_message" text,
	"duration_ms" integer NOT NULL,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreement_events" ADD CONSTRAINT "agreement_events_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreements" ADD CONSTRAINT "agreements_link_id_authorization_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."authorization_links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_links" ADD CONSTRAINT "authorization_links_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_links" ADD CONSTRAINT "authorization_links_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_events_agreement_idx" ON "agreement_events" USING btree ("agreement_id","created_at");--> statement-breakpoint
CREATE INDEX "agreements_customer_idx" ON "agreements" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "agreements_status_idx" ON "agreements" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "agreements_active_expiry_idx" ON "agreements" USING btree ("access_token_expires_at") WHERE "agreements"."status" = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "authorization_links_customer_idx" ON "authorization_links" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "api_calls_created_idx" ON "api_calls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "api_calls_subject_idx" ON "api_calls" USING btree ("subject");