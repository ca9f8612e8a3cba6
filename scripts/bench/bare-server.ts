// The reference: a bare Fastify "hello" route in its own process, measured with the same client in the same run, so
// every Helpforce throughput reads as a ratio of what this machine can do at all.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { answerParent, failStart, peakRssMb } from './child.js';

async function main() {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  answerParent(
    { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/` },
    { stats: () => ({ peakRssMb: peakRssMb() }) },
    () => app.close(),
  );
}

main().catch(failStart);
