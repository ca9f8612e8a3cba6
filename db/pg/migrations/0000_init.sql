CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"role" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "channel_cursors" (
	"channel" text PRIMARY KEY NOT NULL,
	"since_id" text,
	"brand_user_id" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"question_id" text,
	"actor_id" text,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "expert_profiles" (
	"user_id" text PRIMARY KEY NOT NULL,
	"handle" text,
	"signature" text NOT NULL,
	"capacity" integer DEFAULT 3 NOT NULL,
	"availability" text DEFAULT 'available' NOT NULL,
	"generalist" boolean DEFAULT false NOT NULL,
	"schedule" jsonb,
	"store" text,
	"simulated" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "expert_skills" (
	"user_id" text NOT NULL,
	"tag" text NOT NULL,
	"level" integer NOT NULL,
	CONSTRAINT "expert_skills_user_id_tag_pk" PRIMARY KEY("user_id","tag")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"question_id" text NOT NULL,
	"direction" text NOT NULL,
	"external_id" text,
	"text" text NOT NULL,
	"author_handle" text,
	"at" bigint NOT NULL,
	"sentiment_label" text,
	"sentiment_score" double precision
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" text PRIMARY KEY NOT NULL,
	"question_id" text NOT NULL,
	"author_id" text NOT NULL,
	"kind" text DEFAULT 'note' NOT NULL,
	"text" text NOT NULL,
	"mentions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subscription_id" text,
	"user_id" text,
	"question_id" text,
	"topic" text,
	"payload" jsonb NOT NULL,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"ttl_seconds" integer NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" text PRIMARY KEY NOT NULL,
	"question_id" text NOT NULL,
	"expert_id" text NOT NULL,
	"wave" integer NOT NULL,
	"score" double precision NOT NULL,
	"reasons" jsonb NOT NULL,
	"state" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"reply_id" text NOT NULL,
	"question_id" text NOT NULL,
	"channel" text NOT NULL,
	"text" text NOT NULL,
	"in_reply_to_external_id" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"external_id" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "outbox_reply_id_unique" UNIQUE("reply_id")
);
--> statement-breakpoint
CREATE TABLE "push_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"endpoint" text NOT NULL,
	"p256dh" text NOT NULL,
	"auth" text NOT NULL,
	"user_agent" text,
	"created_at" bigint NOT NULL,
	"last_success_at" bigint,
	"last_failure_at" bigint,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "push_subscriptions_endpoint_unique" UNIQUE("endpoint")
);
--> statement-breakpoint
CREATE TABLE "question_tags" (
	"question_id" text NOT NULL,
	"slug" text NOT NULL,
	"confidence" double precision NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "question_tags_question_id_slug_pk" PRIMARY KEY("question_id","slug")
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"text" text NOT NULL,
	"author_handle" text NOT NULL,
	"author_name" text,
	"author_external_id" text,
	"lang" text,
	"conversation_id" text,
	"in_reply_to_external_id" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"sentiment_label" text,
	"sentiment_score" double precision,
	"status" text NOT NULL,
	"assignee_id" text,
	"flag" text,
	"dismiss_reason" text,
	"wave" integer DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"sla_due_at" bigint NOT NULL,
	"claimed_at" bigint,
	"first_reply_at" bigint,
	"escalated_at" bigint,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "replies" (
	"id" text PRIMARY KEY NOT NULL,
	"question_id" text NOT NULL,
	"author_id" text NOT NULL,
	"text" text NOT NULL,
	"preview" text NOT NULL,
	"weighted_length" integer NOT NULL,
	"status" text NOT NULL,
	"feedback" text,
	"reviewer_id" text,
	"external_id" text,
	"failure_reason" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"posted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "server_keys" (
	"name" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snippets" (
	"id" text PRIMARY KEY NOT NULL,
	"tag" text,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_profiles" ADD CONSTRAINT "expert_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expert_skills" ADD CONSTRAINT "expert_skills_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offers" ADD CONSTRAINT "offers_expert_id_users_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_reply_id_replies_id_fk" FOREIGN KEY ("reply_id") REFERENCES "public"."replies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_tags" ADD CONSTRAINT "question_tags_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snippets" ADD CONSTRAINT "snippets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "events_question" ON "events" USING btree ("question_id","id");--> statement-breakpoint
CREATE INDEX "events_thanked_at" ON "events" USING btree ("at") WHERE "events"."type" = 'question.thanked';--> statement-breakpoint
CREATE INDEX "expert_skills_tag" ON "expert_skills" USING btree ("tag");--> statement-breakpoint
CREATE INDEX "messages_question" ON "messages" USING btree ("question_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_external" ON "messages" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "notes_question" ON "notes" USING btree ("question_id","created_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_state_next" ON "notification_deliveries" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "offers_question_state" ON "offers" USING btree ("question_id","state");--> statement-breakpoint
CREATE INDEX "offers_expert_state_created" ON "offers" USING btree ("expert_id","state","created_at");--> statement-breakpoint
CREATE INDEX "offers_state_expires" ON "offers" USING btree ("state","expires_at");--> statement-breakpoint
CREATE INDEX "outbox_state_next" ON "outbox" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "push_subscriptions_user" ON "push_subscriptions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "question_tags_slug" ON "question_tags" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "questions_channel_external" ON "questions" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "questions_status_received" ON "questions" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "questions_assignee_status" ON "questions" USING btree ("assignee_id","status");--> statement-breakpoint
CREATE INDEX "questions_received" ON "questions" USING btree ("received_at","status","claimed_at","first_reply_at","sla_due_at","id");--> statement-breakpoint
CREATE INDEX "questions_updated" ON "questions" USING btree ("updated_at","received_at");--> statement-breakpoint
CREATE INDEX "questions_status_claimed_only" ON "questions" USING btree ("status","claimed_at") WHERE "questions"."claimed_at" is not null;--> statement-breakpoint
CREATE INDEX "questions_status_id" ON "questions" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "questions_customer" ON "questions" USING btree ("channel",coalesce(author_external_id, '@' || lower(author_handle)),"created_at");--> statement-breakpoint
CREATE INDEX "replies_question" ON "replies" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "replies_status" ON "replies" USING btree ("status");--> statement-breakpoint
CREATE INDEX "replies_author" ON "replies" USING btree ("author_id","status","created_at");--> statement-breakpoint
CREATE INDEX "replies_author_created" ON "replies" USING btree ("author_id","created_at");--> statement-breakpoint
CREATE INDEX "replies_learned" ON "replies" USING btree ("updated_at") WHERE "replies"."status" in ('approved', 'posted');--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "snippets_tag" ON "snippets" USING btree ("tag");