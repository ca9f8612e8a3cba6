DROP INDEX `questions_received`;--> statement-breakpoint
CREATE INDEX `questions_updated` ON `questions` (`updated_at`,`received_at`);--> statement-breakpoint
CREATE INDEX `questions_received` ON `questions` (`received_at`,`status`,`claimed_at`,`first_reply_at`,`sla_due_at`,`id`);