// npm run docs:api — writes the route table of docs/api.md from the OpenAPI document the server generates from its
// zod schemas, so the documented routes are the served ones. `--check` exits 1 when docs/api.md is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../server/app.js';
import { defaultRoutingConfig } from '../server/config.js';

const BEGIN = '<!-- routes:begin (npm run docs:api) -->';
const END = '<!-- routes:end -->';
const DOC = new URL('../docs/api.md', import.meta.url);

interface Operation {
  tags?: string[];
  summary?: string;
  security?: unknown;
  responses?: Record<string, unknown>;
}

export async function routeTable(): Promise<string> {
  const app = await buildApp(
    { databasePath: ':memory:', logLevel: 'silent', secureCookies: false, routing: defaultRoutingConfig() },
    { logger: false, timers: false },
  );
  try {
    await app.ready();
    const paths = (app.swagger() as { paths: Record<string, Record<string, Operation>> }).paths;
    const rows = Object.entries(paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
      )
      .sort(
        (a, b) =>
          (a.op.tags?.[0] ?? '').localeCompare(b.op.tags?.[0] ?? '') ||
          a.path.localeCompare(b.path) ||
          a.method.localeCompare(b.method),
      );
    const lines = ['| area | method | path | answers |', '|---|---|---|---|'];
    for (const { path, method, op } of rows) {
      const codes = Object.keys(op.responses ?? {})
        .filter((code) => code.startsWith('2'))
        .join(', ');
      lines.push(
        `| ${op.tags?.[0] ?? ''} | ${method} | \`${path}\` | ${codes}${op.summary ? ` — ${op.summary}` : ''} |`,
      );
    }
    return lines.join('\n');
  } finally {
    await app.close();
  }
}

export function withTable(doc: string, table: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n## Every route\n\n${BEGIN}\n${table}\n${END}\n`;
  return `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = readFileSync(DOC, 'utf8');
  const next = withTable(current, await routeTable());
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('docs/api.md is out of date: run npm run docs:api');
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, next);
    console.log('docs/api.md: route table written');
  }
}
