// Runs the fake Mastodon on its own: `npx tsx dev/fake-mastodon/cli.ts [port]`; then MASTODON_URL=<printed url>
// MASTODON_ACCESS_TOKEN=fake-mastodon-token, and customers' mentions with POST /_fake/mentions
// {"text": "…", "account": {"username": "ana", "domain": "example.social"}, "visibility": "public"}.
import { startFakeMastodon } from './index.js';

const port = Number(process.argv[2] ?? 0);
const fake = await startFakeMastodon({ port });
console.log(`fake Mastodon at ${fake.url} (token ${fake.accessToken}, brand @${fake.brand.acct})`);
