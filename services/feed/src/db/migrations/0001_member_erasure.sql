CREATE TABLE "domain_event_cursors" (
	"producer" text PRIMARY KEY NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_domain_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"producer" text NOT NULL,
	"type" text NOT NULL,
	"position" bigint NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_acknowledgements" DROP CONSTRAINT "alert_acknowledgements_alert_id_member_id_pk";--> statement-breakpoint
ALTER TABLE "alert_acknowledgements" ALTER COLUMN "member_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "raised_by" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "comments" ALTER COLUMN "author_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "moderation_actions" ALTER COLUMN "by_member_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "post_reports" ALTER COLUMN "member_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ALTER COLUMN "author_id" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "processed_domain_events_processed_idx" ON "processed_domain_events" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_acknowledgements_alert_member_key" ON "alert_acknowledgements" USING btree ("alert_id","member_id");