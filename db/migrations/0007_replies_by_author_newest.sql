DROP INDEX `replies_author`;--> statement-breakpoint
CREATE INDEX `replies_author_created` ON `replies` (`author_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `replies_author` ON `replies` (`author_id`,`status`,`created_at`);