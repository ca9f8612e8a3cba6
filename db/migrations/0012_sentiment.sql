ALTER TABLE `messages` ADD `sentiment_label` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `sentiment_score` real;--> statement-breakpoint
ALTER TABLE `questions` ADD `sentiment_label` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `sentiment_score` real;