// A listening app with the fake X wired in and background timers on: what browser tests and end-to-end checks drive.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../server/app.js';
import type { ChannelAdapter } from '../../server/channels/channel.js';
import { defaultRoutingConfig, type RoutingConfig } from '../../server/config.js';
import type { Profile, Role } from '../../server/contracts/api.js';
import { startFakeX, type FakeX } from '../../dev/fake-x/index.js';
import { ADMIN, TEST_TAGS } from './app.js';

export interface TestServer {
  url: string;
  app: App;
  fakeX: FakeX;
  admin: { email: string; password: string };
  createUser(
    role: Role,
    overrides?: { name?: string; profile?: Partial<Profile> },
  ): Promise<{ id: string; email: string; password: string; name: string }>;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { routing?: Partial<RoutingConfig>; pollIntervalMs?: number; channelAdapters?: ChannelAdapter[] } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-server-'));
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  const app = await buildApp(
    {
      databasePath: join(dir, 'helpforce.db'),
      logLevel: 'silent',
      secureCookies: false,
      admin: ADMIN,
      x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: options.pollIntervalMs ?? 250 },
      routing: defaultRoutingConfig(options.routing),
    },
    { logger: false, timers: true, channelAdapters: options.channelAdapters },
  );
  for (const tag of TEST_TAGS) await app.services.tags.create(tag);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let counter = 0;
  return {
    url,
    app,
    fakeX,
    admin: ADMIN,
    async createUser(role, overrides = {}) {
      counter++;
      const email = `${role}${counter}@browser.helpforce.test`;
      const password = `password-${counter}-long`;
      const name = overrides.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${counter}`;
      const user = await app.services.auth.createUser({ email, name, role, password });
      if (role === 'expert' || overrides.profile) {
        await app.services.experts.ensureProfile(user.id, name);
        if (overrides.profile) await app.services.experts.updateProfile(user.id, overrides.profile);
      }
      return { id: user.id, email, password, name };
    },
    async close() {
      await app.close();
      await fakeX.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
