CREATE TABLE "calendar_feed_tokens" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_feed_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"location" text,
	"online_url" text,
	"department" text NOT NULL,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"capacity" integer,
	"join_mode" text DEFAULT 'OPEN' NOT NULL,
	"registration_deadline" timestamp with time zone,
	"status" text DEFAULT 'DRAFT' NOT NULL,
	"organizer_id" uuid NOT NULL,
	"cancel_reason" text,
	"attended_count" integer,
	"closing_notes" text,
	"sequence" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_ends_after_start" CHECK ("events"."ends_at" > "events"."starts_at"),
	CONSTRAINT "events_capacity_positive" CHECK ("events"."capacity" is null or "events"."capacity" > 0)
);
--> statement-breakpoint
CREATE TABLE "permanences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"department" text NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	"network" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "permanences_weekday_range" CHECK ("permanences"."weekday" between 1 and 7),
	CONSTRAINT "permanences_ends_after_start" CHECK ("permanences"."end_time" collate "C" > "permanences"."start_time" collate "C")
);
--> statement-breakpoint
CREATE TABLE "presence_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"department" text NOT NULL,
	"structure_id" uuid,
	"date" date NOT NULL,
	"minutes" integer NOT NULL,
	"network" text NOT NULL,
	"contacts" integer DEFAULT 0 NOT NULL,
	"requests" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"themes" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presence_logs_minutes_range" CHECK ("presence_logs"."minutes" between 1 and 1440),
	CONSTRAINT "presence_logs_contacts_positive" CHECK ("presence_logs"."contacts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "registrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"status" text NOT NULL,
	"waitlist_position" integer,
	"attended" boolean,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_department_starts_idx" ON "events" USING btree ("department","starts_at","id");--> statement-breakpoint
CREATE INDEX "events_starts_idx" ON "events" USING btree ("starts_at","id");--> statement-breakpoint
CREATE INDEX "events_status_idx" ON "events" USING btree ("status");--> statement-breakpoint
CREATE INDEX "events_themes_idx" ON "events" USING gin ("themes");--> statement-breakpoint
CREATE INDEX "permanences_member_idx" ON "permanences" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "permanences_weekday_idx" ON "permanences" USING btree ("weekday","department");--> statement-breakpoint
CREATE INDEX "presence_logs_member_date_idx" ON "presence_logs" USING btree ("member_id","date");--> statement-breakpoint
CREATE INDEX "presence_logs_department_date_idx" ON "presence_logs" USING btree ("department","date");--> statement-breakpoint
CREATE INDEX "presence_logs_structure_date_idx" ON "presence_logs" USING btree ("structure_id","date");--> statement-breakpoint
CREATE UNIQUE INDEX "registrations_event_member_key" ON "registrations" USING btree ("event_id","member_id");--> statement-breakpoint
CREATE INDEX "registrations_event_status_idx" ON "registrations" USING btree ("event_id","status","waitlist_position");--> statement-breakpoint
CREATE INDEX "registrations_member_idx" ON "registrations" USING btree ("member_id","status");