DROP INDEX `offers_question`;--> statement-breakpoint
CREATE INDEX `offers_question_state` ON `offers` (`question_id`,`state`);