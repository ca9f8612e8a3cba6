// One route file per resource: a reader looking for a URL finds it in the file named after its resource. A URL's home
// is the longest prefix listed below, or else the file named after its first segment (/api/tags → tags.ts).
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';

const HOMES: Record<string, string> = {
  '/health': 'health.ts',
  '/ws': 'ws.ts',
  '/api/auth/': 'auth.ts',
  '/api/me': 'auth.ts',
  '/api/me/password': 'auth.ts',
  '/api/me/profile': 'profile.ts',
  '/api/me/offers': 'profile.ts',
  '/api/me/push-subscriptions': 'push.ts',
  '/api/push/': 'push.ts',
  '/api/questions/:id/replies': 'replies.ts',
  '/api/questions/:id/retry': 'replies.ts',
  '/api/questions/:id/notes': 'notes.ts',
  '/api/questions/:id/handoff': 'notes.ts',
  '/api/questions/:id/similar': 'answers.ts',
  '/api/views': 'saved-views.ts',
};

function homeOf(url: string): string {
  const prefix = Object.keys(HOMES)
    .filter((p) => url === p || url.startsWith(p.endsWith('/') ? p : `${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix) return HOMES[prefix] as string;
  return `${url.split('/')[2] ?? ''}.ts`;
}

const routesDir = new URL('../server/routes/', import.meta.url);
const ROUTE = /app\.(?:get|post|put|patch|delete)\(\s*'([^']+)'/g;

t.test('each route is declared in the file of its resource', async (t) => {
  let seen = 0;
  for (const file of readdirSync(routesDir).filter((name) => name.endsWith('.ts'))) {
    for (const [, url] of readFileSync(new URL(file, routesDir), 'utf8').matchAll(ROUTE)) {
      seen++;
      t.equal(file, homeOf(url as string), `${url} lives in routes/${homeOf(url as string)}`);
    }
  }
  t.ok(seen > 40, 'the route declarations were found');
});

t.test('neighbouring URLs of different resources have different homes', async (t) => {
  t.equal(homeOf('/health'), 'health.ts');
  t.equal(homeOf('/api/settings'), 'settings.ts');
  t.equal(homeOf('/api/settings/alert-webhook/test'), 'settings.ts');
  t.equal(homeOf('/api/live'), 'live.ts');
  t.equal(homeOf('/api/metrics'), 'metrics.ts');
  t.equal(homeOf('/api/questions/:id/replies'), 'replies.ts');
  t.equal(homeOf('/api/questions/:id/claim'), 'questions.ts');
  t.equal(homeOf('/api/experts/directory'), 'experts.ts');
  t.equal(homeOf('/api/me/profile'), 'profile.ts');
  t.equal(homeOf('/api/me'), 'auth.ts');
});
