// The two schemas (db/schema.ts for SQLite, db/pg/schema.ts for PostgreSQL) are written twice, as drizzle has no
// schema shared by two dialects; this compares the migrated databases themselves, so neither can drift: the same
// tables, the same columns with the same nullability and kind of value, the same indexes over the same columns.
import t from 'tap';
import { openDatabase } from '../db/client.js';
import { openPostgres } from '../db/pg/client.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

type Column = { name: string; nullable: boolean; kind: string };
type Shape = { tables: Map<string, Column[]>; indexes: Map<string, string> };

// What each engine's types hold, in the repositories' terms.
const SQLITE_KINDS: Record<string, string> = { integer: 'number', text: 'text', real: 'number' };
const PG_KINDS: Record<string, string> = {
  bigint: 'number',
  integer: 'number',
  'double precision': 'number',
  text: 'text',
  boolean: 'number',
  jsonb: 'text',
};
// Each engine's own machinery: SQLite's full-text tables, PostgreSQL's search documents, node messages and limits.
const ENGINE_ONLY = /^(search_|sqlite_|__drizzle|cluster_messages|rate_limits)/;

function sqliteShape(): Shape {
  const sqlite = openDatabase(':memory:').$client;
  const tables = new Map<string, Column[]>();
  const indexes = new Map<string, string>();
  const names = sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
    name: string;
  }[];
  for (const { name } of names) {
    if (ENGINE_ONLY.test(name)) continue;
    const columns = sqlite.prepare(`pragma table_info(${name})`).all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    tables.set(
      name,
      columns
        .map((c) => ({
          name: c.name,
          nullable: c.notnull === 0 && c.pk === 0,
          kind: SQLITE_KINDS[c.type.toLowerCase()] ?? c.type,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    const list = sqlite.prepare(`pragma index_list(${name})`).all() as {
      name: string;
      origin: string;
      unique: number;
    }[];
    for (const index of list) {
      if (index.origin === 'pk') continue;
      const on = (sqlite.prepare(`pragma index_xinfo(${index.name})`).all() as { name: string | null; key: number }[])
        .filter((c) => c.key === 1)
        .map((c) => c.name ?? 'expression');
      indexes.set(`${name}:${on.join(',')}`, index.unique === 1 ? 'unique' : 'index');
    }
  }
  sqlite.close();
  return { tables, indexes };
}

async function postgresShape(url: string): Promise<Shape> {
  const db = await openPostgres(url);
  const tables = new Map<string, Column[]>();
  const indexes = new Map<string, string>();
  try {
    const { rows } = await db.$client.query<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      data_type: string;
      is_pk: boolean;
    }>(`select c.table_name, c.column_name, c.is_nullable, c.data_type,
          exists (select 1 from information_schema.key_column_usage k
                  join information_schema.table_constraints tc on tc.constraint_name = k.constraint_name
                  where tc.constraint_type = 'PRIMARY KEY' and k.table_name = c.table_name
                    and k.column_name = c.column_name) as is_pk
        from information_schema.columns c where c.table_schema = 'public' order by c.table_name`);
    for (const row of rows) {
      if (ENGINE_ONLY.test(row.table_name)) continue;
      const list = tables.get(row.table_name) ?? [];
      list.push({
        name: row.column_name,
        nullable: row.is_nullable === 'YES' && !row.is_pk,
        kind: PG_KINDS[row.data_type] ?? row.data_type,
      });
      tables.set(row.table_name, list);
    }
    for (const list of tables.values()) list.sort((a, b) => a.name.localeCompare(b.name));
    const found = await db.$client.query<{ table: string; columns: string[]; unique: boolean }>(
      `select t.relname as table, i.indisunique as unique,
              array(select coalesce(a.attname, 'expression') from unnest(i.indkey) with ordinality k(attnum, n)
                    left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum and k.attnum > 0
                    order by k.n)::text[] as columns
         from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace s on s.oid = t.relnamespace
        where s.nspname = 'public' and not i.indisprimary`,
    );
    for (const index of found.rows) {
      if (ENGINE_ONLY.test(index.table)) continue;
      // PostgreSQL-only: the expression index that serves search's handle terms (SQLite's FTS5 does that there).
      if (index.table === 'questions' && index.columns.join(',') === 'expression') continue;
      indexes.set(`${index.table}:${index.columns.join(',')}`, index.unique ? 'unique' : 'index');
    }
  } finally {
    await db.$client.end();
  }
  return { tables, indexes };
}

t.test('the SQLite and PostgreSQL schemas have the same tables, columns and indexes', async (t) => {
  const sqlite = sqliteShape();
  const postgres = await postgresShape(await freshPostgresDatabase(t));
  t.ok(sqlite.tables.size >= 20, `SQLite has its ${sqlite.tables.size} tables`);
  t.same([...postgres.tables.keys()].sort(), [...sqlite.tables.keys()].sort(), 'the same tables');
  for (const [table, columns] of sqlite.tables) t.same(postgres.tables.get(table), columns, `${table}: same columns`);
  t.same(new Map([...postgres.indexes].sort()), new Map([...sqlite.indexes].sort()), 'the same indexes');
});

t.test('on PostgreSQL only the short-lived tables skip the write-ahead log', async (t) => {
  const db = await openPostgres(await freshPostgresDatabase(t));
  try {
    const { rows } = await db.$client.query<{ relname: string }>(
      "select relname from pg_class where relkind = 'r' and relpersistence = 'u' and relnamespace = 'public'::regnamespace order by relname",
    );
    t.same(
      rows.map((row) => row.relname),
      ['cluster_messages', 'rate_limits'],
      'request counts and large cluster messages are unlogged; every other table is written durably',
    );
  } finally {
    await db.$client.end();
  }
});
