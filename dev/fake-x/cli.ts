import { startFakeX } from './index.js';

// Usage: npx tsx dev/fake-x/cli.ts [port]   then run the app with X_API_BASE_URL and the printed credentials.
const port = Number(process.argv[2] ?? process.env.PORT ?? 4010);
const fakeX = await startFakeX({ port, logger: process.env.LOG_LEVEL === 'debug' });

console.log(`Fake X API listening on ${fakeX.url} (public page: ${fakeX.url}/)`);
console.log(`brand: @${fakeX.brand.username} (id ${fakeX.brand.id})`);
console.log(`X_API_BASE_URL=${fakeX.url}`);
console.log(`X_APP_KEY=${fakeX.credentials.appKey}`);
console.log(`X_APP_SECRET=${fakeX.credentials.appSecret}`);
console.log(`X_ACCESS_TOKEN=${fakeX.credentials.accessToken}`);
console.log(`X_ACCESS_SECRET=${fakeX.credentials.accessSecret}`);

const stop = () => void fakeX.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
