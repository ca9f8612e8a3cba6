// The push service stand-in (dev/push-service.ts: verifies VAPID, decrypts payloads) and a chat webhook receiver, for
// tests; and an app built to use them (loopback endpoints allowed, the stand-in's certificate trusted).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { buildApp, type App } from '../../server/app.js';
import { DEFAULT_VAPID_SUBJECT } from '../../server/config.js';
import type { Clock } from '../../server/domain/clock.js';
import { startPushService, type PushServiceStandIn } from '../../dev/push-service.js';
import { testConfig, type TestAppOptions } from './app.js';

export { startPushService, type PushServiceStandIn };

export async function pushService(t: Test): Promise<PushServiceStandIn> {
  const service = await startPushService();
  t.teardown(() => service.close());
  return service;
}

/** A listening HTTP server that records the JSON bodies POSTed to it, answering `status`. */
export async function webhookReceiver(t: Test, status = 200) {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(receiver.status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const receiver = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, status };
  return receiver;
}

export interface PushAppOptions extends TestAppOptions {
  allowLocal?: boolean;
  clock?: Clock;
}

/** A test app (timers off) whose push goes to the stand-in. */
export async function buildPushApp(t: Test, service: PushServiceStandIn, options: PushAppOptions = {}): Promise<App> {
  const config = {
    ...testConfig(t, options),
    push: {
      allowLocalEndpoints: options.allowLocal ?? true,
      extraCa: service.ca,
      vapid: { subject: DEFAULT_VAPID_SUBJECT },
    },
  };
  const app = await buildApp(config, { logger: false, timers: false, ...options });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}
