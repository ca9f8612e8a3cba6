// Rebuilds the router's learned state from the database at start: tags people set or confirmed, and every answer
// that reached the public (posted) or was approved. Incremental learning keeps it current after that.
import type { Db } from '../../db/client.js';
import type { Router } from '../domain/routing/index.js';

export function rebuildRoutingModel(db: Db, router: Router): number {
  const sqlite = db.$client;
  const tagged = sqlite.prepare<[], { text: string; tags: string }>(
    "select q.text text, group_concat(t.slug) tags from questions q join question_tags t on t.question_id = q.id where t.source = 'manual' group by q.id");
  let learned = 0;
  for (const row of tagged.iterate()) { router.learnTags(row.text, row.tags.split(',')); learned++; }
  const answers = sqlite.prepare<[], { expertId: string; text: string; tags: string | null; at: number }>(
    `select r.author_id expertId, q.text text, (select group_concat(slug) from question_tags where question_id = q.id) tags, r.updated_at at
     from replies r join questions q on q.id = r.question_id where r.status in ('approved','posted') order by r.updated_at`);
  for (const row of answers.iterate()) { router.learnAnswer(row.expertId, row.text, row.tags ? row.tags.split(',') : [], row.at); learned++; }
  return learned;
}
