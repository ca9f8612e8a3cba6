DROP INDEX `events_type_at`;--> statement-breakpoint
CREATE INDEX `events_thanked_at` ON `events` (`at`) WHERE "events"."type" = 'question.thanked';