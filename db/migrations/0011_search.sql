-- Full-text search over each question's whole thread (server/services/search.ts). Written by hand: drizzle-kit cannot
-- express FTS5 tables or triggers, and as neither is in db/schema.ts a later `db:generate` leaves them alone.
--
-- One document per question holds its text and the customer's follow-ups, every reply, every internal note, and the
-- author's handle and name, so "printer refund" finds a question whose customer wrote one word and whose expert wrote
-- the other. The index is contentless (the text already lives in its own tables); contentless_delete lets a trigger
-- rewrite a document when a reply or note arrives. A question's document is keyed by search_docs.id, an INTEGER
-- PRIMARY KEY, because the rowid of a table keyed by text may change in a VACUUM and the index would point elsewhere.
CREATE TABLE `search_docs` (
	`id` integer PRIMARY KEY NOT NULL,
	`question_id` text NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_question` ON `search_docs` (`question_id`);--> statement-breakpoint
CREATE VIRTUAL TABLE `search_index` USING fts5(
	body, replies, notes, handle, name,
	content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);--> statement-breakpoint
CREATE VIEW `search_documents` AS
SELECT
	d.id AS doc_id,
	q.text || coalesce((SELECT ' ' || group_concat(m.text, ' ') FROM messages m WHERE m.question_id = q.id AND m.direction = 'in'), '') AS body,
	coalesce((SELECT group_concat(r.text, ' ') FROM replies r WHERE r.question_id = q.id), '') AS replies,
	coalesce((SELECT group_concat(n.text, ' ') FROM notes n WHERE n.question_id = q.id), '') AS notes,
	q.author_handle AS handle,
	coalesce(q.author_name, '') AS name,
	q.id AS question_id
FROM questions q JOIN search_docs d ON d.question_id = q.id;--> statement-breakpoint
INSERT INTO `search_docs` (`question_id`) SELECT `id` FROM `questions` ORDER BY `id`;--> statement-breakpoint
INSERT INTO `search_index` (rowid, body, replies, notes, handle, name)
	SELECT doc_id, body, replies, notes, handle, name FROM `search_documents`;--> statement-breakpoint
CREATE TRIGGER `search_question_insert` AFTER INSERT ON `questions` BEGIN
	INSERT INTO `search_docs` (`question_id`) VALUES (new.id);
	INSERT INTO `search_index` (rowid, body, replies, notes, handle, name)
		VALUES (last_insert_rowid(), new.text, '', '', new.author_handle, coalesce(new.author_name, ''));
END;--> statement-breakpoint
CREATE TRIGGER `search_question_update` AFTER UPDATE OF text, author_handle, author_name ON `questions` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.id);
END;--> statement-breakpoint
CREATE TRIGGER `search_question_delete` AFTER DELETE ON `questions` BEGIN
	DELETE FROM `search_index` WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = old.id);
	DELETE FROM `search_docs` WHERE question_id = old.id;
END;--> statement-breakpoint
CREATE TRIGGER `search_reply_insert` AFTER INSERT ON `replies` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_reply_update` AFTER UPDATE OF text ON `replies` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_reply_delete` AFTER DELETE ON `replies` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = old.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = old.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_note_insert` AFTER INSERT ON `notes` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_note_update` AFTER UPDATE OF text ON `notes` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_note_delete` AFTER DELETE ON `notes` BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = old.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = old.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_message_insert` AFTER INSERT ON `messages` WHEN new.direction = 'in' BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = new.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = new.question_id);
END;--> statement-breakpoint
CREATE TRIGGER `search_message_delete` AFTER DELETE ON `messages` WHEN old.direction = 'in' BEGIN
	UPDATE `search_index` SET (body, replies, notes, handle, name) =
		(SELECT body, replies, notes, handle, name FROM `search_documents` WHERE question_id = old.question_id)
		WHERE rowid = (SELECT id FROM `search_docs` WHERE question_id = old.question_id);
END;
