CREATE INDEX "alerts_raised_by_idx" ON "alerts" USING btree ("raised_by","raised_at","id");--> statement-breakpoint
CREATE INDEX "alerts_resolved_by_idx" ON "alerts" USING btree ("resolved_by","resolved_at","id") WHERE "alerts"."resolved_by" is not null;--> statement-breakpoint
CREATE INDEX "comments_author_idx" ON "comments" USING btree ("author_id","created_at","id");