CREATE INDEX "agreements_method_created_idx" ON "agreements" USING btree ("payment_method","created_at","id");--> statement-breakpoint
CREATE INDEX "agreements_created_idx" ON "agreements" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "agreements_login_masked_idx" ON "agreements" USING btree ("user_login_id_masked");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree (lower("actor_email"),"id");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "customers_email_idx" ON "customers" USING btree ("email");--> statement-breakpoint
CREATE INDEX "payments_status_method_created_idx" ON "payments" USING btree ("status","payment_method","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_method_created_idx" ON "payments" USING btree ("payment_method","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_currency_created_idx" ON "payments" USING btree ("currency","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_initiated_by_idx" ON "payments" USING btree ("initiated_by","created_at") WHERE "payments"."initiated_by" is not null;--> statement-breakpoint
CREATE INDEX "payments_reference_order_idx" ON "payments" USING btree ("reference_order_id");--> statement-breakpoint
CREATE INDEX "payments_reconciliation_flag_idx" ON "payments" USING btree ("created_at") WHERE "payments"."reconciliation_flag" is not null;--> statement-breakpoint
CREATE INDEX "refunds_currency_created_idx" ON "refunds" USING btree ("currency","created_at","id");--> statement-breakpoint
CREATE INDEX "refunds_initiated_by_idx" ON "refunds" USING btree ("initiated_by","created_at") WHERE "refunds"."initiated_by" is not null;