// Questions and answers made over the HTTP API, for the knowledge, notes and insight tests.
import type { App } from '../../server/app.js';
import { as, type Session } from './app.js';

let counter = 0;

export async function ask(
  app: App,
  manager: Session,
  text: string,
  extra: { externalId?: string; inReplyToExternalId?: string } = {},
) {
  const externalId = extra.externalId ?? `k-${++counter}-${Date.now()}`;
  const response = await as(app, manager).post('/api/questions', {
    channel: 'test',
    externalId,
    text,
    author: { handle: 'customer' },
    ...extra,
  });
  if (response.statusCode !== 201 && response.statusCode !== 200) throw new Error(`ingest failed: ${response.body}`);
  return response.json().question as { id: string; externalId: string; tags: { slug: string }[]; status: string };
}

export async function assign(app: App, manager: Session, questionId: string, expertId: string) {
  const response = await as(app, manager).post(`/api/questions/${questionId}/assign`, { expertId });
  if (response.statusCode !== 200) throw new Error(`assign failed: ${response.body}`);
}

/** The expert's reply, waiting for review (new experts' replies are reviewed by default). */
export async function submit(app: App, expert: Session, questionId: string, text: string) {
  const response = await as(app, expert).post(`/api/questions/${questionId}/replies`, { text });
  if (response.statusCode !== 201) throw new Error(`reply failed: ${response.body}`);
  return response.json().reply as { id: string; status: string };
}

/** Assign, reply, approve and post: a question answered in public by `expert`. */
export async function answer(
  app: App,
  people: { manager: Session; expert: Session },
  question: { id: string },
  text: string,
) {
  await assign(app, people.manager, question.id, people.expert.user.id);
  const reply = await submit(app, people.expert, question.id, text);
  if (reply.status === 'in_review') {
    const approved = await as(app, people.manager).post(`/api/replies/${reply.id}/approve`, {});
    if (approved.statusCode !== 200) throw new Error(`approve failed: ${approved.body}`);
  }
  await app.services.outbox.run();
  return reply;
}
