ALTER TABLE "agreements" ADD COLUMN "notified_auth_code_index" text;--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "revoke_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "start_ip" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "agreements_link_idx" ON "agreements" USING btree ("link_id","created_at");--> statement-breakpoint
CREATE INDEX "agreements_start_ip_idx" ON "agreements" USING btree ("start_ip","created_at");--> statement-breakpoint
CREATE INDEX "agreements_notified_code_idx" ON "agreements" USING btree ("notified_auth_code_index");--> statement-breakpoint
CREATE INDEX "audit_log_sign_in_ip_idx" ON "audit_log" USING btree ("object_id","ip","created_at") WHERE "audit_log"."action" = 'auth.sign_in';