// Rebuilds the router's learned state from the database at start: tags people set or confirmed, and every answer
// that reached the public (posted) or was approved. Incremental learning keeps it current after that.
//
// The router learns online, so the replay *is* the model, and its order matters. A small history is replayed before
// the server listens. A large one (minutes at a million answers) is replayed after it: from a read
// snapshot on a connection of its own, in slices with the event loop free between them. Whatever the server learns
// meanwhile (a reply approved, a question retagged) waits in a queue and is learned once the snapshot is done, in
// the order it happened — so the model ends up as a replay of everything in order, as it would be after a restart.
// Until then routing works from the skills, availability and load on the roster and what is learned so far.
//
// The snapshot's read transaction holds back WAL checkpoints for as long as it lasts: everything written meanwhile
// stays in the WAL, which grows with every question ingested. Reading is far faster than learning, so the replay
// reads the whole history first, in slices, and lets go of the snapshot; then it learns from memory (the texts,
// freed as they are learned). The figures are in docs/architecture.md ("Reliability" and "Why some rules are so").
import Database from 'better-sqlite3';
import type { Db } from '../../db/client.js';
import type { Router } from '../domain/routing/index.js';

export interface RoutingModelOptions {
  /** Histories of up to this many answers are replayed before the server listens. */
  replayBeforeListen: number;
  /** How long one slice of a background replay may hold the event loop (0: one item per slice). */
  sliceMs: number;
}

/** Answers replayed so far, of the history's total (questions people tagged are learned too, not counted). */
export interface RoutingModelStatus {
  state: 'ready' | 'loading';
  learned: number;
  total: number;
  /** A background replay still reads from its snapshot of the database (and so holds back WAL checkpoints). */
  reading: boolean;
}

type Step = () => void;

/** One step of the history: a question people tagged, or an answer. */
type Item =
  | { answer: false; text: string; tags: readonly string[] }
  | { answer: true; expertId: string; text: string; tags: readonly string[]; at: number };

/** Rows read from the snapshot per slice at the least (more while the slice lasts). */
const MIN_READ_PER_SLICE = 32;

/**
 * The history, oldest first: manual tags, then answers in the order they were approved/posted. Both queries stream
 * (question_tags grouped in its key order; answers read from their own index): a background replay's first slice
 * does not wait for a sort of the whole history. Expert ids and tag lists repeat: one copy of each is kept.
 */
function* history(sqlite: Database.Database): Generator<Item> {
  const shared = new Map<string, string[]>();
  const tagList = (tags: string | null) => {
    if (!tags) return [];
    let list = shared.get(tags);
    if (!list) shared.set(tags, (list = tags.split(',')));
    return list;
  };
  const experts = new Map<string, string>();
  const tagged = sqlite.prepare<[], { text: string; tags: string }>(
    `select q.text text, group_concat(t.slug) tags from question_tags t join questions q on q.id = t.question_id
     where t.source = 'manual' group by t.question_id`,
  );
  for (const row of tagged.iterate()) yield { answer: false, text: row.text, tags: tagList(row.tags) };
  const answers = sqlite.prepare<[], { expertId: string; text: string; tags: string | null; at: number }>(
    `select r.author_id expertId, q.text text, (select group_concat(slug) from question_tags where question_id = q.id) tags, r.updated_at at
     from replies r indexed by replies_learned join questions q on q.id = r.question_id
     where r.status in ('approved', 'posted') order by r.updated_at`,
  );
  for (const row of answers.iterate()) {
    let expertId = experts.get(row.expertId);
    if (expertId === undefined) experts.set(row.expertId, (expertId = row.expertId));
    yield { answer: true, expertId, text: row.text, tags: tagList(row.tags), at: row.at };
  }
}

function learnItem(router: Router, item: Item) {
  if (item.answer) router.learnAnswer(item.expertId, item.text, [...item.tags], item.at);
  else router.learnTags(item.text, [...item.tags]);
}

const tagRules = (sqlite: Database.Database) =>
  sqlite
    .prepare<[], { slug: string; keywords: string }>('select slug, keywords from tags')
    .all()
    .map((row) => ({ slug: row.slug, keywords: JSON.parse(row.keywords) as string[] }));

const answerCount = (sqlite: Database.Database) =>
  sqlite.prepare<[], { n: number }>("select count(*) n from replies where status in ('approved', 'posted')").get()!.n;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Owns the router's learning: `router` is the one the services use (its learning is queued while a background
 * replay runs); `load()` replays the history, before listening or after.
 */
export function createRoutingModel(db: Db, inner: Router, options: RoutingModelOptions) {
  const status: RoutingModelStatus = { state: 'ready', learned: 0, total: 0, reading: false };
  const waiting: Step[] = [];
  let stopped = false;
  let done: Promise<number> = Promise.resolve(0);

  const learn = (step: Step) => (status.state === 'loading' ? waiting.push(step) : step());
  const router: Router = {
    ...inner,
    learnAnswer: (expertId, text, tags, at, weight) => learn(() => inner.learnAnswer(expertId, text, tags, at, weight)),
    learnTags: (text, tags) => learn(() => inner.learnTags(text, tags)),
  };

  async function replayInBackground(sqlite: Database.Database): Promise<number> {
    // A read transaction on a second connection: the replay sees the database as it was when it began, whatever the
    // server writes meanwhile (WAL lets one writer and readers work side by side). It lasts until the history is
    // read; what is read and not yet learned waits in `ahead`.
    const reader = new Database(sqlite.name, { readonly: true, fileMustExist: true });
    const items = history(reader);
    const ahead: (Item | undefined)[] = [];
    let next = 0;
    const release = () => {
      if (!reader.open) return;
      items.return(undefined);
      reader.close();
      status.reading = false;
    };
    try {
      reader.exec('begin');
      status.reading = true;
      while (!stopped && (status.reading || next < ahead.length)) {
        const until = performance.now() + options.sliceMs;
        if (status.reading) {
          // Reading first, whole slices of it: the sooner the snapshot goes, the less the WAL grows meanwhile.
          for (let read = 0; status.reading && (read < MIN_READ_PER_SLICE || performance.now() < until); read++) {
            const row = items.next();
            if (row.done) release();
            else ahead.push(row.value);
          }
        } else {
          do {
            const item = ahead[next]!;
            ahead[next++] = undefined; // its text can go once learned
            learnItem(inner, item);
            if (item.answer) status.learned += 1;
          } while (next < ahead.length && performance.now() < until);
        }
        if (status.reading || next < ahead.length) await nextTurn();
      }
    } finally {
      release();
      // What was learned meanwhile, in the order it happened, after everything it came after.
      for (const step of waiting.splice(0)) step();
      status.state = 'ready';
    }
    return status.learned;
  }

  return {
    router,

    /** Replays the history: at once if it is small (or the database lives in memory), else in the background. */
    load(): { inBackground: boolean; learned: number; total: number } {
      const sqlite = db.$client;
      status.total = answerCount(sqlite);
      // The tags people set are judged against what the classifier would have said, and that includes the desk's
      // keyword rules: one classification hands them to it before the history is replayed.
      inner.classify('', tagRules(sqlite));
      if (status.total <= options.replayBeforeListen || sqlite.memory) {
        for (const item of history(sqlite)) {
          learnItem(inner, item);
          if (item.answer) status.learned += 1;
        }
        return { inBackground: false, learned: status.learned, total: status.total };
      }
      stopped = false;
      status.state = 'loading';
      done = replayInBackground(sqlite);
      return { inBackground: true, learned: status.learned, total: status.total };
    },

    /** Resolves with the number of items replayed once the model is whole (at once if it was replayed at start). */
    ready: (): Promise<number> => done,

    /** Stops a background replay between slices (the server is closing). */
    async stop(): Promise<void> {
      stopped = true;
      await done.catch(() => undefined);
    },

    status: (): RoutingModelStatus => ({ ...status }),
  };
}
export type RoutingModel = ReturnType<typeof createRoutingModel>;
