// The floor: the least any server could do for one ingested question on this machine, without Helpforce's code. It
// parses the same request, looks the post up for idempotency, stores the same rows into the real schema (the
// question with its indexes, one tag, three offers, the created and offered events) in group commits without
// savepoints, WAL checkpoints on a thread as in the app, writes three offer frames to connected WebSockets and answers 201. No auth, no validation, no
// classification, no routing (offers go round-robin to whoever is connected). Read against the bare Fastify
// reference it says what share of "hello" the required writes alone leave; the closed-loop ingest cannot beat it.
import type { AddressInfo } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { WebSocket } from 'ws';
import { startCheckpointer } from '../../db/checkpointer.js';
import { openDatabase } from '../../db/client.js';
import { newId } from '../../server/domain/ids.js';
import { answerParent, childOptions, failStart, peakRssMb } from './child.js';

export interface FloorServerOptions {
  databasePath: string;
  experts: number;
}

interface Posted {
  channel: string;
  externalId: string;
  text: string;
  author: { handle: string };
}
interface Pending {
  body: Posted;
  done(summary: Record<string, unknown>, created: boolean): void;
  fail(error: unknown): void;
}

const OFFERS_PER_QUESTION = 3;

async function main() {
  const options = childOptions<FloorServerOptions>();
  const db = openDatabase(options.databasePath).$client;
  const checkpointer = startCheckpointer(db, { warn: (details, message) => console.warn(message, details) }); // as the app does
  const now = Date.now();
  const expertIds = Array.from({ length: options.experts }, (_, i) => `floor-expert-${String(i).padStart(6, '0')}`);
  const insertUser = db.prepare(
    `insert into users (id, email, name, role, password_hash, created_at) values (?, ?, ?, 'expert', 'x', ?)`,
  );
  db.transaction(() => {
    for (const id of expertIds) insertUser.run(id, `${id}@floor.test`, id, now);
  })();
  db.prepare(`insert into tags (slug, name, created_at) values ('tv', 'TV', ?) on conflict do nothing`).run(now);

  const statements = {
    byExternalId: db.prepare('select id from questions where channel = ? and external_id = ?'),
    question:
      db.prepare(`insert into questions (id, channel, external_id, text, author_handle, status, wave, created_at, received_at, sla_due_at, updated_at)
      values (@id, @channel, @externalId, @text, @authorHandle, 'offered', 1, @at, @at, @slaDueAt, @at)`),
    tag: db.prepare(`insert into question_tags (question_id, slug, confidence, source) values (?, 'tv', 0.9, 'rules')`),
    offer: db.prepare(
      `insert into offers (id, question_id, expert_id, wave, score, reasons, state, created_at, expires_at) values (?, ?, ?, 1, 0.5, '{"skill":0.5}', 'open', ?, ?)`,
    ),
    event: db.prepare('insert into events (question_id, type, data, at) values (?, ?, ?, ?)'),
  };

  const sockets: WebSocket[] = [];
  let nextExpert = 0;
  const pending: Pending[] = [];
  let scheduled = false;

  const store = db.transaction((batch: Pending[]) =>
    batch.map(({ body }) => {
      const at = Date.now();
      const existing = statements.byExternalId.get(body.channel, body.externalId) as { id: string } | undefined;
      if (existing)
        return {
          summary: { id: existing.id } as Record<string, unknown>,
          created: false,
          to: [] as number[],
          expiresAt: '',
        };
      const id = newId(at);
      statements.question.run({
        id,
        channel: body.channel,
        externalId: body.externalId,
        text: body.text,
        authorHandle: body.author.handle,
        at,
        slaDueAt: at + 3_600_000,
      });
      statements.tag.run(id);
      statements.event.run(
        id,
        'question.created',
        JSON.stringify({ channel: body.channel, externalId: body.externalId, tags: ['tv'] }),
        at,
      );
      const to: number[] = [];
      for (let i = 0; i < OFFERS_PER_QUESTION; i++) {
        const slot = nextExpert++ % Math.max(1, Math.min(sockets.length, expertIds.length));
        statements.offer.run(newId(at), id, expertIds[slot], at, at + 3_600_000);
        to.push(slot);
      }
      statements.event.run(
        id,
        'question.offered',
        JSON.stringify({ wave: 1, pool: 'skilled', experts: to.map((slot) => expertIds[slot]) }),
        at,
      );
      const iso = new Date(at).toISOString();
      const summary = {
        id,
        channel: body.channel,
        externalId: body.externalId,
        text: body.text,
        author: { handle: body.author.handle, name: null, externalId: null },
        status: 'offered',
        tags: [{ slug: 'tv', confidence: 0.9, source: 'rules' }],
        assigneeId: null,
        assigneeName: null,
        priority: 0,
        flag: null,
        dismissReason: null,
        conversationId: null,
        inReplyToExternalId: null,
        lang: null,
        createdAt: iso,
        receivedAt: iso,
        slaDueAt: iso,
        updatedAt: iso,
      };
      return { summary, created: true, to, expiresAt: new Date(at + 3_600_000).toISOString() };
    }),
  );

  function drain() {
    scheduled = false;
    const batch = pending.splice(0, 32);
    if (pending.length > 0) {
      scheduled = true;
      setImmediate(drain);
    }
    let stored: ReturnType<typeof store>;
    try {
      stored = store.immediate(batch);
    } catch (error) {
      for (const item of batch) item.fail(error);
      return;
    }
    stored.forEach(({ summary, created, to, expiresAt }, i) => {
      for (const slot of to) {
        sockets[slot]?.send(
          JSON.stringify({
            type: 'question.offered',
            data: {
              question: summary,
              offer: { expertId: expertIds[slot], score: 0.5, reasons: { skill: 0.5 }, wave: 1, expiresAt },
            },
          }),
        );
      }
      batch[i]!.done(summary, created);
    });
  }

  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket);
  app.get('/ws', { websocket: true }, (socket) => {
    sockets.push(socket);
    socket.on('close', () => sockets.splice(sockets.indexOf(socket), 1));
  });
  app.post<{ Body: Posted }>('/api/questions', (request, reply) => {
    pending.push({
      body: request.body,
      done: (question, created) =>
        void reply.code(created ? 201 : 200).send({ question, duplicate: !created, followUp: false }),
      fail: (error) => void reply.send(error),
    });
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  answerParent(
    { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` },
    {
      stats: () => ({ peakRssMb: peakRssMb(), cpu: process.cpuUsage(), connections: sockets.length }),
    },
    async () => {
      await app.close();
      await checkpointer.stop();
      db.close();
    },
  );
}

main().catch(failStart);
