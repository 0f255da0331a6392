CREATE TABLE "anonymous_presence" (
	"department" text NOT NULL,
	"month" date NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL,
	"contacts" integer DEFAULT 0 NOT NULL,
	"requests" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "outbox" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_id_unique" UNIQUE("id")
);
--> statement-breakpoint
ALTER TABLE "registrations" ALTER COLUMN "member_id" DROP NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "anonymous_presence_department_month_key" ON "anonymous_presence" USING btree ("department","month");--> statement-breakpoint
CREATE INDEX "processed_domain_events_processed_idx" ON "processed_domain_events" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "outbox_occurred_idx" ON "outbox" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "presence_logs_date_idx" ON "presence_logs" USING btree ("date");