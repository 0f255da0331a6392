CREATE INDEX "structures_sort_idx" ON "structures" USING btree ("search_text","id");--> statement-breakpoint
CREATE INDEX "structures_kind_idx" ON "structures" USING btree ("kind","search_text","id");