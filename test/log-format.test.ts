// Logs a person reads at a terminal are one readable line each; a log collector gets JSON. LOG_FORMAT decides, and
// without it a non-terminal (this pipe) gets JSON.
import t from 'tap';
import { loadConfig } from '../server/config.js';
import { startFakeX } from '../dev/fake-x/index.js';
import { startChildServer } from './helpers/child-server.js';
import { tempDatabasePath } from './helpers/app.js';

t.test('LOG_FORMAT is read as the choice, and left open without it', async (t) => {
  const base = { DATABASE_PATH: ':memory:' };
  t.equal(loadConfig({ ...base, LOG_FORMAT: 'pretty' }).app.prettyLogs, true);
  t.equal(loadConfig({ ...base, LOG_FORMAT: 'json' }).app.prettyLogs, false);
  t.equal(loadConfig(base).app.prettyLogs, undefined, 'decided at start: a terminal or not');
  t.throws(() => loadConfig({ ...base, LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
});

for (const [format, readable] of [
  ['pretty', true],
  ['json', false],
] as const) {
  t.test(`a server started with LOG_FORMAT=${format} logs ${readable ? 'readable lines' : 'JSON'}`, async (t) => {
    const fakeX = await startFakeX();
    t.teardown(() => fakeX.close());
    const server = await startChildServer({
      databasePath: tempDatabasePath(t),
      fakeX,
      env: { LOG_FORMAT: format, LOG_LEVEL: 'info' },
    });
    t.teardown(() => server.kill('SIGTERM'));
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.includes('Server listening'));
    t.ok(lines.length > 0, 'the listening line was logged');
    const json = lines.every((line) => line.trim().startsWith('{'));
    t.equal(json, !readable, readable ? 'not JSON' : 'JSON');
  });
}
