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
import type { Router } from '../domain/routing/index.js';
import type { HistoryItem, HistorySnapshot } from '../repositories/routing-history.js';
import type { ReadRepositories } from '../repositories/index.js';

export interface RoutingModelOptions {
  /** Histories of up to this many answers are replayed before the server listens. */
  replayBeforeListen: number;
  /** How long one slice of a background replay may hold the event loop (0: one read or item per slice). */
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

/** Rows read from the snapshot at a time, and per slice at the least (more while the slice lasts). */
const MIN_READ_PER_SLICE = 32;

function learnItem(router: Router, item: HistoryItem) {
  if (item.answer) router.learnAnswer(item.expertId, item.text, [...item.tags], item.at);
  else router.learnTags(item.text, [...item.tags]);
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Owns the router's learning: `router` is the one the services use (its learning is queued while a background
 * replay runs); `load()` replays the history, before listening or after.
 */
export function createRoutingModel(
  history: ReadRepositories['routingHistory'],
  inner: Router,
  options: RoutingModelOptions,
) {
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

  async function replayInBackground(): Promise<number> {
    // The replay sees the database as it was when it began, from a snapshot that lasts until the history is read;
    // what is read and not yet learned waits in `ahead`.
    let snapshot: HistorySnapshot | undefined;
    const ahead: (HistoryItem | undefined)[] = [];
    let next = 0;
    const release = async () => {
      if (!status.reading) return;
      status.reading = false;
      await snapshot?.close();
    };
    try {
      snapshot = await history.snapshot();
      status.reading = true;
      while (!stopped && (status.reading || next < ahead.length)) {
        const until = performance.now() + options.sliceMs;
        if (status.reading) {
          // Reading first, whole slices of it: the sooner the snapshot goes, the less the WAL grows meanwhile.
          do {
            const batch = await snapshot.read(MIN_READ_PER_SLICE);
            for (const item of batch) ahead.push(item);
            if (batch.length < MIN_READ_PER_SLICE) await release();
          } while (status.reading && performance.now() < until);
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
      await release();
      // What was learned meanwhile, in the order it happened, after everything it came after.
      for (const step of waiting.splice(0)) step();
      status.state = 'ready';
    }
    return status.learned;
  }

  return {
    router,

    /** Replays the history: at once if it is small (or the database lives in memory), else in the background. */
    async load(): Promise<{ inBackground: boolean; learned: number; total: number }> {
      status.total = await history.answerCount();
      // The tags people set are judged against what the classifier would have said, and that includes the desk's
      // keyword rules: one classification hands them to it before the history is replayed.
      inner.classify('', await history.tagRules());
      if (status.total <= options.replayBeforeListen || !history.canSnapshot) {
        await history.visit((item) => {
          learnItem(inner, item);
          if (item.answer) status.learned += 1;
        });
        return { inBackground: false, learned: status.learned, total: status.total };
      }
      stopped = false;
      status.state = 'loading';
      done = replayInBackground();
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
