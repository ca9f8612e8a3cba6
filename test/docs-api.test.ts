// docs/api.md lists every route the server serves, from the OpenAPI document: a new route without a doc row fails.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { routeTable, withTable } from '../scripts/api-doc.js';

t.test('the route table in docs/api.md matches the served OpenAPI document', async (t) => {
  const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
  const table = await routeTable();
  t.match(table, /\| questions \| POST \| `\/api\/questions\/\{id\}\/claim` \| 200 \|/);
  t.equal(withTable(doc, table), doc, 'docs/api.md is out of date: run npm run docs:api');
});
