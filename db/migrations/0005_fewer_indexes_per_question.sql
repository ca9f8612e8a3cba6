DROP INDEX `offers_expert_state`;--> statement-breakpoint
DROP INDEX `offers_expert_created`;--> statement-breakpoint
CREATE INDEX `offers_expert_state_created` ON `offers` (`expert_id`,`state`,`created_at`);--> statement-breakpoint
DROP INDEX `questions_conversation`;--> statement-breakpoint
DROP INDEX `questions_status_claimed`;--> statement-breakpoint
CREATE INDEX `questions_status_claimed_only` ON `questions` (`status`,`claimed_at`) WHERE "questions"."claimed_at" is not null;