CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `channel_cursors` (
	`channel` text PRIMARY KEY NOT NULL,
	`since_id` text,
	`brand_user_id` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question_id` text,
	`actor_id` text,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_question` ON `events` (`question_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_type_at` ON `events` (`type`,`at`);--> statement-breakpoint
CREATE TABLE `expert_profiles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`handle` text,
	`signature` text NOT NULL,
	`capacity` integer DEFAULT 3 NOT NULL,
	`availability` text DEFAULT 'available' NOT NULL,
	`generalist` integer DEFAULT false NOT NULL,
	`schedule` text,
	`store` text,
	`simulated` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `expert_skills` (
	`user_id` text NOT NULL,
	`tag` text NOT NULL,
	`level` integer NOT NULL,
	PRIMARY KEY(`user_id`, `tag`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `expert_skills_tag` ON `expert_skills` (`tag`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`question_id` text NOT NULL,
	`direction` text NOT NULL,
	`external_id` text,
	`text` text NOT NULL,
	`author_handle` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_question` ON `messages` (`question_id`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_external` ON `messages` (`external_id`);--> statement-breakpoint
CREATE TABLE `offers` (
	`id` text PRIMARY KEY NOT NULL,
	`question_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`wave` integer NOT NULL,
	`score` real NOT NULL,
	`reasons` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `offers_question` ON `offers` (`question_id`);--> statement-breakpoint
CREATE INDEX `offers_expert_state` ON `offers` (`expert_id`,`state`);--> statement-breakpoint
CREATE INDEX `offers_expert_created` ON `offers` (`expert_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `offers_state_expires` ON `offers` (`state`,`expires_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`reply_id` text NOT NULL,
	`question_id` text NOT NULL,
	`channel` text NOT NULL,
	`text` text NOT NULL,
	`in_reply_to_external_id` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`external_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`reply_id`) REFERENCES `replies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_reply_id_unique` ON `outbox` (`reply_id`);--> statement-breakpoint
CREATE INDEX `outbox_state_next` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `question_tags` (
	`question_id` text NOT NULL,
	`slug` text NOT NULL,
	`confidence` real NOT NULL,
	`source` text NOT NULL,
	PRIMARY KEY(`question_id`, `slug`),
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `question_tags_slug` ON `question_tags` (`slug`);--> statement-breakpoint
CREATE TABLE `questions` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`text` text NOT NULL,
	`author_handle` text NOT NULL,
	`author_name` text,
	`author_external_id` text,
	`lang` text,
	`conversation_id` text,
	`in_reply_to_external_id` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`assignee_id` text,
	`flag` text,
	`dismiss_reason` text,
	`wave` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`sla_due_at` integer NOT NULL,
	`claimed_at` integer,
	`first_reply_at` integer,
	`escalated_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questions_channel_external` ON `questions` (`channel`,`external_id`);--> statement-breakpoint
CREATE INDEX `questions_status_received` ON `questions` (`status`,`received_at`);--> statement-breakpoint
CREATE INDEX `questions_assignee_status` ON `questions` (`assignee_id`,`status`);--> statement-breakpoint
CREATE INDEX `questions_received` ON `questions` (`received_at`);--> statement-breakpoint
CREATE INDEX `questions_conversation` ON `questions` (`channel`,`conversation_id`);--> statement-breakpoint
CREATE INDEX `questions_status_claimed` ON `questions` (`status`,`claimed_at`);--> statement-breakpoint
CREATE TABLE `replies` (
	`id` text PRIMARY KEY NOT NULL,
	`question_id` text NOT NULL,
	`author_id` text NOT NULL,
	`text` text NOT NULL,
	`preview` text NOT NULL,
	`weighted_length` integer NOT NULL,
	`status` text NOT NULL,
	`feedback` text,
	`reviewer_id` text,
	`external_id` text,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`posted_at` integer,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `replies_question` ON `replies` (`question_id`);--> statement-breakpoint
CREATE INDEX `replies_status` ON `replies` (`status`);--> statement-breakpoint
CREATE INDEX `replies_author` ON `replies` (`author_id`,`status`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`slug` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`keywords` text DEFAULT '[]' NOT NULL,
	`sensitive` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);