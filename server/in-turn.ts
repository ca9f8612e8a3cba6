// Work that must not overlap, run one call after another in the order the calls were made. A later call starts once
// every earlier one has settled, whatever its outcome: one failure does not stop the line.

/** A line of work: `run` queues `work` behind every call before it; `idle` settles once all queued so far have. */
export function createLine() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => T | Promise<T>): Promise<T> {
      const result = tail.then(work);
      tail = result.catch(() => undefined);
      return result;
    },
    idle: (): Promise<void> => tail.then(() => undefined),
  };
}

/** One line per key (an expert, say); a key's line is forgotten once it is idle. */
export function createLines<Key>() {
  const tails = new Map<Key, Promise<unknown>>();
  return {
    run<T>(key: Key, work: () => T | Promise<T>): Promise<T> {
      const result = (tails.get(key) ?? Promise.resolve()).then(work);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    idle: (key: Key): Promise<void> => (tails.get(key) ?? Promise.resolve()).then(() => undefined),
  };
}
