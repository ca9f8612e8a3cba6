-- Full-text search over each question's whole thread (server/repositories/pg/search.ts), as db/migrations/0011_search.sql
-- does with FTS5 on SQLite. Written by hand: drizzle-kit cannot express tsvector columns, functions or triggers.
--
-- One document per question holds its text and the customer's follow-ups, every reply, every internal note, and the
-- author's handle and name. Words are what FTS5's unicode61 tokenizer (remove_diacritics 2) makes of the text:
-- runs of letters and digits, lower-cased in any script, without accents. search_words() says so once, for the
-- documents here and for the searched text in server/repositories/pg/search.ts; the 'simple' configuration then
-- takes the words as they are, without stemming. ICU's root collation does the lower-casing, whatever the database's.
CREATE TABLE "search_docs" (
	"question_id" text PRIMARY KEY NOT NULL REFERENCES "questions"("id") ON DELETE CASCADE,
	"doc" tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX "search_docs_doc" ON "search_docs" USING gin ("doc");--> statement-breakpoint
-- A handle is compared whole, with or without its "@", in any case.
CREATE INDEX "questions_handle" ON "questions" (lower(ltrim("author_handle", '@')));--> statement-breakpoint
CREATE FUNCTION search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT regexp_replace(
		regexp_replace(normalize(lower(t COLLATE "und-x-icu"), NFD), '[\u0300-\u036f]', '', 'g') COLLATE "und-x-icu",
		'[^[:alnum:]]+', ' ', 'g')
$$;--> statement-breakpoint
CREATE FUNCTION search_document(qid text) RETURNS tsvector LANGUAGE sql STABLE AS $$
	SELECT to_tsvector('simple', search_words(q.text || coalesce((SELECT ' ' || string_agg(m.text, ' ') FROM messages m
			WHERE m.question_id = q.id AND m.direction = 'in'), '')))
		|| to_tsvector('simple', search_words(coalesce((SELECT string_agg(r.text, ' ') FROM replies r
			WHERE r.question_id = q.id), '')))
		|| to_tsvector('simple', search_words(coalesce((SELECT string_agg(n.text, ' ') FROM notes n
			WHERE n.question_id = q.id), '')))
		|| to_tsvector('simple', search_words(q.author_handle || ' ' || coalesce(q.author_name, '')))
	FROM questions q WHERE q.id = qid
$$;--> statement-breakpoint
CREATE FUNCTION search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	qid text;
	document tsvector;
BEGIN
	IF TG_TABLE_NAME = 'questions' THEN
		qid := NEW.id;
	ELSIF TG_OP = 'DELETE' THEN
		qid := OLD.question_id;
	ELSE
		qid := NEW.question_id;
	END IF;
	document := search_document(qid);
	-- No document: the question itself is gone, and its own row in search_docs with it.
	IF document IS NOT NULL THEN
		INSERT INTO search_docs (question_id, doc) VALUES (qid, document)
			ON CONFLICT (question_id) DO UPDATE SET doc = excluded.doc;
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "search_question_insert" AFTER INSERT ON "questions" FOR EACH ROW EXECUTE FUNCTION search_refresh();--> statement-breakpoint
CREATE TRIGGER "search_question_update" AFTER UPDATE OF "text", "author_handle", "author_name" ON "questions"
	FOR EACH ROW EXECUTE FUNCTION search_refresh();--> statement-breakpoint
CREATE TRIGGER "search_reply_change" AFTER INSERT OR UPDATE OF "text" OR DELETE ON "replies"
	FOR EACH ROW EXECUTE FUNCTION search_refresh();--> statement-breakpoint
CREATE TRIGGER "search_note_change" AFTER INSERT OR UPDATE OF "text" OR DELETE ON "notes"
	FOR EACH ROW EXECUTE FUNCTION search_refresh();--> statement-breakpoint
CREATE TRIGGER "search_message_insert" AFTER INSERT ON "messages"
	FOR EACH ROW WHEN (NEW.direction = 'in') EXECUTE FUNCTION search_refresh();--> statement-breakpoint
CREATE TRIGGER "search_message_delete" AFTER DELETE ON "messages"
	FOR EACH ROW WHEN (OLD.direction = 'in') EXECUTE FUNCTION search_refresh();
