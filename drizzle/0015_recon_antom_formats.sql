CREATE TABLE "recon_sftp_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_day" text,
	"last_fetched_at" timestamp with time zone,
	"last_error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"alerted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_files" DROP CONSTRAINT "report_files_sha256_unique";--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "variant" text;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "type_counts" jsonb;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "ignored_columns" jsonb;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "error_line" integer;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "remote_path" text;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "remote_mtime" integer;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "previous_file_id" uuid;--> statement-breakpoint
ALTER TABLE "report_files" ADD COLUMN "changes" jsonb;--> statement-breakpoint
ALTER TABLE "report_rows" ADD COLUMN "quote_currency_pair" text;--> statement-breakpoint
ALTER TABLE "report_rows" ADD COLUMN "quote_price" text;--> statement-breakpoint
ALTER TABLE "report_rows" ADD COLUMN "quote_expected_minor" bigint;--> statement-breakpoint
ALTER TABLE "report_rows" ADD COLUMN "note" text;--> statement-breakpoint
CREATE UNIQUE INDEX "report_files_loaded_sha256_key" ON "report_files" USING btree ("sha256") WHERE status = 'LOADED';--> statement-breakpoint
CREATE INDEX "report_files_sha256_idx" ON "report_files" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "report_files_remote_idx" ON "report_files" USING btree ("remote_path");