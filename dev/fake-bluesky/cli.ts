// Runs the fake Bluesky alone: `npx tsx dev/fake-bluesky/cli.ts [port]`. Point Helpforce at it with
// BLUESKY_SERVICE_URL=http://127.0.0.1:<port> and the identifier and app password it prints.
import { startFakeBluesky } from './index.js';

const fake = await startFakeBluesky({ port: Number(process.argv[2] ?? 4020) });
console.log(`fake Bluesky on ${fake.url}
  BLUESKY_SERVICE_URL=${fake.url} BLUESKY_IDENTIFIER=${fake.credentials.identifier} BLUESKY_APP_PASSWORD=${fake.credentials.password}
  add a mention: curl -X POST ${fake.url}/_fake/posts -H 'content-type: application/json' \\
    -d '{"author":{"handle":"maria.bsky.social"},"text":"my tv has no sound"}'`);
process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
