// A listening app for browser tests of push and alerts: the fake X, background timers on, and push and webhooks
// allowed to reach loopback addresses (the push service stand-in, a webhook receiver) with the stand-in trusted.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Test } from 'tap';
import { buildApp } from '../../server/app.js';
import { defaultRoutingConfig, DEFAULT_VAPID_SUBJECT, type RoutingConfig } from '../../server/config.js';
import { startFakeX } from '../../dev/fake-x/index.js';
import { ADMIN, TEST_TAGS } from './app.js';

export async function startPushServer(t: Test, options: { ca?: string; routing?: Partial<RoutingConfig> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-push-browser-'));
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  const app = await buildApp(
    {
      databasePath: join(dir, 'helpforce.db'),
      logLevel: 'silent',
      secureCookies: false,
      admin: ADMIN,
      x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 250 },
      routing: defaultRoutingConfig(options.routing),
      push: { allowLocalEndpoints: true, extraCa: options.ca, vapid: { subject: DEFAULT_VAPID_SUBJECT } },
    },
    { logger: false, timers: true },
  );
  for (const tag of TEST_TAGS) await app.services.tags.create(tag);
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await app.close();
    await fakeX.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let counter = 0;
  /** An available expert with the laptops skill. */
  const createExpert = async (name: string) => {
    counter++;
    const email = `push${counter}@browser.helpforce.test`;
    const password = `password-${counter}-long`;
    const user = await app.services.auth.createUser({ email, name, role: 'expert', password });
    await app.services.experts.ensureProfile(user.id, name);
    await app.services.experts.updateProfile(user.id, {
      signature: name.slice(0, 2),
      skills: [{ tag: 'laptops', level: 4 }],
      availability: 'available',
    });
    return { email, password };
  };
  return { url, app, fakeX, admin: ADMIN, createExpert };
}

/** The notifications the page's service worker is showing. */
export const shownNotifications = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      requireInteraction: n.requireInteraction,
      questionId: (n.data?.questionId ?? null) as string | null,
    })),
  );

/** Reads until the value is as wanted, or fails saying what it still is. */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
