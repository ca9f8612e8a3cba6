// The fake X's posts and accounts in a JSON file, so a restarted demo is the same X: the threads Helpforce answers
// still exist, and new posts get ids above those it has seen (its since_id would skip lower ones).
// Written whole to a temporary file and renamed over the old one: a crash mid-write leaves the previous copy.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { FakeXSnapshot } from './state.js';

const FORMAT = 1;
const id = z.string().regex(/^\d{1,19}$/);
const date = z.iso.datetime().transform((value) => new Date(value));

const SnapshotFileSchema = z.object({
  format: z.literal(FORMAT),
  nextTweetId: id,
  nextUserId: id,
  users: z.array(z.object({ id: z.string().min(1), username: z.string().min(1), name: z.string(), createdAt: date })),
  tweets: z.array(
    z.object({
      id,
      text: z.string(),
      authorId: z.string().min(1),
      conversationId: z.string().min(1),
      inReplyToTweetId: id.optional(),
      inReplyToUserId: z.string().optional(),
      lang: z.string(),
      createdAt: date,
    }),
  ),
});

export type LoadedSnapshot = { snapshot: FakeXSnapshot } | { snapshot: undefined; problem?: string };

/** A missing file is a first start; an unreadable one is set aside (kept for a look) and the fake starts empty. */
export function loadSnapshot(path: string): LoadedSnapshot {
  if (!existsSync(path)) return { snapshot: undefined };
  try {
    const parsed = SnapshotFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) {
      const { format: _format, ...snapshot } = parsed.data;
      return { snapshot };
    }
    return setAside(path, parsed.error.issues[0]?.message ?? 'not a fake X state file');
  } catch (error) {
    return setAside(path, (error as Error).message);
  }
}

export function saveSnapshot(path: string, snapshot: FakeXSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ format: FORMAT, ...snapshot }));
  renameSync(temporary, path);
}

function setAside(path: string, problem: string): LoadedSnapshot {
  const aside = `${path}.unreadable`;
  renameSync(path, aside);
  return { snapshot: undefined, problem: `${path}: ${problem} (moved to ${aside})` };
}

interface SavedState {
  revision: number;
  snapshot(): FakeXSnapshot;
}

/** Saves every `intervalMs` when something changed, and once more at stop. A failed save is reported, not thrown:
 * the fake goes on serving, and the next save tries again. */
export function keepSaved(state: SavedState, path: string, intervalMs: number, report: (problem: string) => void) {
  let saved = state.revision;
  const save = () => {
    if (state.revision === saved) return;
    const revision = state.revision;
    try {
      saveSnapshot(path, state.snapshot());
      saved = revision;
    } catch (error) {
      report(`could not save the fake X's state to ${path}: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(save, intervalMs);
  timer.unref();
  return {
    save,
    stop() {
      clearInterval(timer);
      save();
    },
  };
}
