// People's display names by id, for rendering: every summary with an assignee and every reply needs one.
import type { Db } from '../../db/client.js';

export function createNameRepository(db: Db) {
  // One id is the common case, a JSON array of ids the batch one; both are prepared once.
  const statements = {
    one: db.$client.prepare<[string], { id: string; name: string }>('select id, name from users where id = ?'),
    many: db.$client.prepare<[string], { id: string; name: string }>(
      'select id, name from users where id in (select value from json_each(?))',
    ),
  };
  return {
    read: {
      async of(ids: (string | null)[]): Promise<Map<string, string>> {
        const wanted = [...new Set(ids.filter((id): id is string => !!id))];
        if (wanted.length === 0) return new Map();
        const rows =
          wanted.length === 1 ? statements.one.all(wanted[0] as string) : statements.many.all(JSON.stringify(wanted));
        return new Map(rows.map((u) => [u.id, u.name]));
      },
    },
    write: {},
  };
}
