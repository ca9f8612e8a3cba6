// A database with a large history for the growth benchmark: `rows` questions over the 90 days before it was built,
// with the status, tag, assignee and reply mix of a busy network (most old questions answered or closed, the open
// ones mostly recent). Inserted in one transaction with prepared statements; cached between runs because a million
// rows take a while. Offers and most audit events are not generated, as no measured query reads them; customers'
// thank-yous are (for 5 % of posted answers), because recognition reads them by type and time.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { openDatabase } from '../../db/client.js';
import { DEMO_TAGS, SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import { newId } from '../../server/domain/ids.js';
import { seeded, TAG_SLUGS } from './roster.js';

export const GENERATOR_VERSION = 3;
const DAY = 24 * 3600_000;
const SPAN = 90 * DAY;
const EXPERTS = 10_000;

export interface HistoryDb {
  path: string;
  rows: number;
  replies: number;
  dataEndMs: number;
  buildMs: number;
  cached: boolean;
}

type Mix = [status: string, share: number][];
const RECENT: Mix = [
  ['new', 0.1],
  ['offered', 0.4],
  ['claimed', 0.2],
  ['in_review', 0.1],
  ['escalated', 0.05],
  ['approved', 0.02],
  ['posting', 0.01],
  ['answered', 0.12],
];
const DAYS: Mix = [
  ['offered', 0.03],
  ['claimed', 0.03],
  ['in_review', 0.02],
  ['escalated', 0.02],
  ['dismissed', 0.12],
  ['failed', 0.005],
  ['closed', 0.055],
  ['answered', 0.72],
];
const OLD: Mix = [
  ['escalated', 0.005],
  ['dismissed', 0.12],
  ['failed', 0.01],
  ['answered', 0.3],
  ['closed', 0.565],
];
const CLAIMED = new Set(['claimed', 'in_review', 'approved', 'posting', 'answered', 'closed', 'failed']);

function pick(mix: Mix, r: number): string {
  for (const [status, share] of mix) if ((r -= share) < 0) return status;
  return mix[mix.length - 1]![0];
}

export function cacheDir(): string {
  return process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'helpforce-bench-cache');
}

export async function historyDb(rows: number): Promise<HistoryDb> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `history-v${GENERATOR_VERSION}-${rows}.db`);
  if (existsSync(path) && existsSync(`${path}.json`)) {
    openDatabase(path).$client.close(); // brings the cached file up to the current migrations, once
    return { ...JSON.parse(readFileSync(`${path}.json`, 'utf8')), path, cached: true };
  }
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const started = performance.now();
  const { replies, dataEndMs } = await generate(building, rows);
  const info = { rows, replies, dataEndMs, buildMs: Math.round(performance.now() - started) };
  renameSync(building, path);
  writeFileSync(`${path}.json`, JSON.stringify(info));
  return { ...info, path, cached: false };
}

async function generate(file: string, rows: number) {
  const db = openDatabase(file);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('foreign_keys = OFF');
  const random = seeded(2026);
  const dataEndMs = Date.now();
  const start = dataEndMs - SPAN;
  const hash = await argon2.hash('bench-history-password');
  const q =
    sqlite.prepare(`insert into questions (id, channel, external_id, text, author_handle, author_name, author_external_id, lang, conversation_id,
    priority, status, assignee_id, flag, dismiss_reason, wave, created_at, received_at, sla_due_at, claimed_at, first_reply_at, escalated_at, updated_at)
    values (?, ?, ?, ?, ?, null, ?, 'en', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const t = sqlite.prepare('insert into question_tags (question_id, slug, confidence, source) values (?, ?, ?, ?)');
  const thanked = sqlite.prepare(
    "insert into events (question_id, actor_id, type, data, at) values (?, null, 'question.thanked', ?, ?)",
  );
  const r =
    sqlite.prepare(`insert into replies (id, question_id, author_id, text, preview, weighted_length, status, feedback, reviewer_id, external_id,
    created_at, updated_at, posted_at) values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)`);
  const expo = (mean: number) => Math.round(-Math.log(1 - random()) * mean);
  let replies = 0;
  sqlite.transaction(() => {
    const user = sqlite.prepare(
      'insert into users (id, email, name, role, password_hash, active, created_at) values (?, ?, ?, ?, ?, 1, ?)',
    );
    const profile = sqlite.prepare(
      "insert into expert_profiles (user_id, signature, capacity, availability, updated_at) values (?, ?, 3, 'available', ?)",
    );
    const skill = sqlite.prepare('insert into expert_skills (user_id, tag, level) values (?, ?, ?)');
    for (const tag of DEMO_TAGS) {
      sqlite
        .prepare(
          'insert into tags (slug, name, description, keywords, sensitive, created_at) values (?, ?, ?, ?, ?, ?)',
        )
        .run(tag.slug, tag.name, tag.description, JSON.stringify(tag.keywords), tag.sensitive ? 1 : 0, start);
    }
    const experts: string[] = [];
    for (let i = 0; i < EXPERTS; i++) {
      const id = newId(start);
      experts.push(id);
      user.run(id, `history${i}@bench.helpforce.test`, `History Expert ${i}`, 'expert', hash, start);
      profile.run(id, `HE${i}`, start);
      skill.run(id, TAG_SLUGS[i % TAG_SLUGS.length], 1 + (i % 5));
    }
    for (let i = 0; i < rows; i++) {
      const received = start + Math.floor(((i + random()) / rows) * SPAN);
      const age = dataEndMs - received;
      // As the dispatcher leaves things: nothing waits unclaimed past the escalation time (10 min) without being
      // escalated, and no claim is held past the hold time (30 min) without a reply.
      let status = pick(age < 2 * 3600_000 ? RECENT : age < 2 * DAY ? DAYS : OLD, random());
      if ((status === 'new' || status === 'offered') && age > 10 * 60_000) status = 'escalated';
      if (status === 'claimed' && age > 30 * 60_000) status = 'in_review';
      const id = newId(received);
      const channel = random() < 0.85 ? 'x' : 'api';
      const externalId = channel === 'x' ? String(1_700_000_000_000_000_000n + BigInt(i)) : `api-${i}`;
      const claimed = CLAIMED.has(status) ? Math.min(dataEndMs - 1000, received + expo(6 * 60_000)) : null;
      const replied =
        (status === 'answered' || status === 'closed') && claimed !== null
          ? Math.min(dataEndMs, claimed + expo(14 * 60_000))
          : null;
      const assignee = claimed !== null ? experts[Math.floor(EXPERTS * random() ** 3)]! : null;
      const text = SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length]!;
      q.run(
        id,
        channel,
        externalId,
        text,
        `customer${i % 50_000}`,
        channel === 'x' ? String(3_000_000 + (i % 50_000)) : null,
        externalId,
        status,
        assignee,
        status === 'offered' && random() < 0.1 ? 'no-tag' : null,
        status === 'dismissed' ? 'spam' : null,
        status === 'new' ? 0 : 1,
        received - 2000,
        received,
        received + 30 * 60_000,
        claimed,
        replied,
        status === 'escalated' ? Math.min(dataEndMs, received + 10 * 60_000) : null,
        replied ?? claimed ?? received,
      );
      const tagCount = random() < 0.15 ? 0 : random() < 0.7 ? 1 : 2;
      const first = Math.floor(random() * TAG_SLUGS.length);
      for (let k = 0; k < tagCount; k++) {
        t.run(
          id,
          TAG_SLUGS[(first + k * 4) % TAG_SLUGS.length],
          0.5 + random() / 2,
          random() < 0.03 ? 'manual' : 'rules',
        );
      }
      if (assignee === null || claimed === null || status === 'claimed') continue;
      const replyStatus =
        status === 'answered' || status === 'closed'
          ? 'posted'
          : status === 'in_review'
            ? 'in_review'
            : status === 'failed'
              ? 'failed'
              : 'approved';
      const at = replied ?? claimed + expo(10 * 60_000);
      if (replyStatus === 'posted' && random() < 0.04) {
        r.run(
          newId(at),
          id,
          assignee,
          'First try at an answer',
          'First try at an answer ^HE',
          26,
          'rejected',
          'Please add the steps',
          null,
          at - 120_000,
          at - 60_000,
          null,
        );
        replies++;
      }
      const body = `Thanks for asking! Try this first and DM us if it persists (#${i}).`;
      r.run(
        newId(at),
        id,
        assignee,
        body,
        `${body} ^HE`,
        body.length + 4,
        replyStatus,
        null,
        replyStatus === 'posted' ? String(1_750_000_000_000_000_000n + BigInt(i)) : null,
        at - 60_000,
        at,
        replyStatus === 'posted' ? at : null,
      );
      replies++;
      if (replyStatus === 'posted' && random() < 0.05)
        thanked.run(id, JSON.stringify({ externalId: `thanks-${i}` }), Math.min(dataEndMs, at + expo(30 * 60_000)));
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { replies, dataEndMs };
}
