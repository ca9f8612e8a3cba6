-- drizzle-kit splits an index expression at its commas; the expression is written out here as db/schema.ts has it.
CREATE INDEX `questions_customer` ON `questions` (`channel`,coalesce(author_external_id, '@' || lower(author_handle)),`created_at`);
