// An experiment, off by default (`--statement-cache`): drizzle's better-sqlite3 session calls client.prepare(sql) for
// every query it runs, and SQLite re-parses and re-plans each one. Reusing one prepared statement per SQL text,
// patched in here for the server process only, measures what such a cache in db/client.ts would buy.
import Database from 'better-sqlite3';

type Statement = ReturnType<Database.Database['prepare']>;

export function cachePreparedStatements(limit = 2000) {
  const prototype = Database.prototype as unknown as { prepare(this: Database.Database, source: string): Statement };
  const prepare = prototype.prepare;
  const caches = new WeakMap<object, Map<string, Statement>>();
  prototype.prepare = function (source: string) {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    const cached = cache.get(source);
    if (!cached) {
      const statement = prepare.call(this, source);
      if (cache.size < limit) cache.set(source, statement);
      return statement;
    }
    if (cached.reader) cached.raw(false).pluck(false).expand(false);
    return cached;
  };
}
