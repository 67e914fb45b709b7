CREATE TYPE "public"."recon_discrepancy_kind" AS ENUM('missing_in_ledger', 'missing_in_report', 'amount_mismatch', 'currency_mismatch', 'status_mismatch', 'refund_not_reflected', 'cancel_not_reflected', 'fee_unexpected', 'settlement_unexpected', 'batch_total_mismatch');--> statement-breakpoint
CREATE TYPE "public"."recon_discrepancy_status" AS ENUM('OPEN', 'RESOLVED');--> statement-breakpoint
CREATE TYPE "public"."report_file_kind" AS ENUM('transaction_details', 'settlement_details', 'settlement_summary');--> statement-breakpoint
CREATE TYPE "public"."report_file_status" AS ENUM('LOADED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "public"."customs_declaration_status" AS ENUM('CREATED', 'UNKNOWN', 'WAITING', 'REJECTED', 'SUCCEEDED', 'FAILED');--> statement-breakpoint
CREATE TABLE "recon_discrepancies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" "recon_discrepancy_kind" NOT NULL,
	"report_date" text NOT NULL,
	"settlement_batch_id" text,
	"report_row_id" bigint,
	"payment_id" uuid,
	"refund_id" uuid,
	"transaction_request_id" text,
	"currency" text,
	"report_value" text,
	"ledger_value" text,
	"status" "recon_discrepancy_status" DEFAULT 'OPEN' NOT NULL,
	"inquiry" jsonb,
	"resolution_note" text,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recon_discrepancies_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "report_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"kind" "report_file_kind",
	"status" "report_file_status" NOT NULL,
	"error" text,
	"client_id" text,
	"report_date" text,
	"settlement_batch_id" text,
	"row_count" integer DEFAULT 0 NOT NULL,
	"byte_count" bigint DEFAULT 0 NOT NULL,
	"source" text NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_files_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "report_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"file_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"settlement_batch_id" text,
	"summary_type" text,
	"transaction_id" text,
	"original_transaction_id" text,
	"transaction_request_id" text,
	"original_transaction_request_id" text,
	"transaction_type" text,
	"transaction_status" text,
	"payment_method_type" text,
	"transaction_time" text,
	"amount_minor" bigint,
	"currency" text,
	"fee_minor" bigint,
	"fee_currency" text,
	"gross_settlement_minor" bigint,
	"net_settlement_minor" bigint,
	"settlement_currency" text,
	"transaction_count" integer
);
--> statement-breakpoint
CREATE TABLE "customs_declarations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"declaration_request_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"customs_code" text NOT NULL,
	"merchant_customs_code" text NOT NULL,
	"merchant_customs_name" text NOT NULL,
	"split_order" boolean NOT NULL,
	"sub_order_id" text,
	"buyer_certificate_type" text,
	"request_body_hash" text NOT NULL,
	"request_body_ciphertext" text NOT NULL,
	"status" "customs_declaration_status" DEFAULT 'CREATED' NOT NULL,
	"customs_payment_id" text,
	"customs_order_id" text,
	"result_code" text,
	"result_message" text,
	"customs_result_code" text,
	"customs_result_desc" text,
	"poll_attempts" integer DEFAULT 0 NOT NULL,
	"last_polled_at" timestamp with time zone,
	"final_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customs_declarations_declaration_request_id_unique" UNIQUE("declaration_request_id")
);
--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "customs_merchant_code" text;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "customs_merchant_name" text;--> statement-breakpoint
ALTER TABLE "merchant_settings" ADD COLUMN "recon_fee_rate_bps" integer;--> statement-breakpoint
ALTER TABLE "recon_discrepancies" ADD CONSTRAINT "recon_discrepancies_report_row_id_report_rows_id_fk" FOREIGN KEY ("report_row_id") REFERENCES "public"."report_rows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_discrepancies" ADD CONSTRAINT "recon_discrepancies_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_discrepancies" ADD CONSTRAINT "recon_discrepancies_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_discrepancies" ADD CONSTRAINT "recon_discrepancies_resolved_by_staff_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_files" ADD CONSTRAINT "report_files_uploaded_by_staff_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_rows" ADD CONSTRAINT "report_rows_file_id_report_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."report_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customs_declarations" ADD CONSTRAINT "customs_declarations_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customs_declarations" ADD CONSTRAINT "customs_declarations_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recon_discrepancies_date_idx" ON "recon_discrepancies" USING btree ("report_date","status");--> statement-breakpoint
CREATE INDEX "recon_discrepancies_status_idx" ON "recon_discrepancies" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "report_files_date_idx" ON "report_files" USING btree ("report_date","kind");--> statement-breakpoint
CREATE INDEX "report_rows_file_idx" ON "report_rows" USING btree ("file_id","line_no");--> statement-breakpoint
CREATE INDEX "report_rows_request_idx" ON "report_rows" USING btree ("transaction_request_id");--> statement-breakpoint
CREATE INDEX "customs_declarations_payment_idx" ON "customs_declarations" USING btree ("payment_id","created_at");--> statement-breakpoint
CREATE INDEX "customs_declarations_status_idx" ON "customs_declarations" USING btree ("status","created_at","id");