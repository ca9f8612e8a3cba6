// The deployed topology (docs/architecture.md, "PostgreSQL and several nodes"): Debian's nginx running the shipped
// deploy/nginx.conf, with only its upstream addresses and listen port replaced, in front of two real Helpforce
// processes on one PostgreSQL database. Everything below goes through nginx: sign-in and CSRF, both nodes serving,
// a WebSocket upgraded and offered a question within a second whichever node ingested it, and a node killed with
// SIGKILL while requests and sockets carry on over the other.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import WebSocket from 'ws';
import { startFakeX } from '../dev/fake-x/index.js';
import type { ClientEvent } from '../server/contracts/events.js';
import { tempDatabasePath } from './helpers/app.js';
import {
  type ChildServer,
  eventually,
  freePort,
  httpAs,
  httpLogin,
  network,
  startChildServer,
} from './helpers/child-server.js';
import { nodeEnvironment, readDeployment } from './helpers/deploy.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

type Test = Parameters<typeof tempDatabasePath>[0];

const NGINX = '/usr/sbin/nginx';
const shippedConfig = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8');

/**
 * The shipped server and upstream blocks, each upstream (a compose service name) pointed at that node's process and
 * the listen port at this one; any other change is the test's failure.
 */
function siteConfig(port: number, nodes: Map<string, ChildServer>): string {
  const unused = new Set(nodes.keys());
  const site = shippedConfig
    .replace(/^(\s*server\s+)([\w.-]+):\d+/gm, (_line, prefix: string, service: string) => {
      const node = nodes.get(service);
      if (!node) throw new Error(`deploy/nginx.conf sends requests to ${service}, which is not a node in compose.yaml`);
      unused.delete(service);
      return `${prefix}127.0.0.1:${node.port}`;
    })
    .replace(/^(\s*listen\s+)80;/m, `$1127.0.0.1:${port};`);
  if (unused.size > 0 || !site.includes(`listen 127.0.0.1:${port};`))
    throw new Error('deploy/nginx.conf no longer names every node and `listen 80;`: update this test with it');
  return site;
}

/**
 * nginx as a child of the test, everything it writes inside its own prefix. The wrapper stands in for the image's
 * /etc/nginx/nginx.conf, whose http block includes the shipped file as conf.d/default.conf.
 */
async function startNginx(t: Test, nodes: Map<string, ChildServer>) {
  const prefix = mkdtempSync(join(tmpdir(), 'helpforce-nginx-'));
  t.teardown(() => rmSync(prefix, { recursive: true, force: true }));
  const port = await freePort();
  writeFileSync(join(prefix, 'helpforce.conf'), siteConfig(port, nodes));
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, dir));
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
events { worker_connections 256; }
http {
  log_format upstream '"$request" $status upstreams=[$upstream_addr] statuses=[$upstream_status]';
  access_log ${prefix}/access.log upstream;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `${d}_temp_path ${prefix}/${d};`).join('\n  ')}
  include ${prefix}/helpforce.conf;
}
`,
  );
  const nginx: ChildProcess = spawn(
    NGINX,
    ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  nginx.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  nginx.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = once(nginx, 'exit');
  t.teardown(async () => {
    if (nginx.exitCode !== null || nginx.signalCode !== null) return;
    nginx.kill('SIGTERM');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}):\n${output}`);
    return fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
  }, 'nginx to answer /health');
  return { url, log: () => readFileSync(join(prefix, 'access.log'), 'utf8') };
}

/** A browser's live channel: the session cookie and the page's own Origin. */
async function openLive(t: Test, url: string, cookie: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie, origin: url } });
  const events: ClientEvent[] = [];
  socket.on('message', (raw) => events.push(JSON.parse(raw.toString()) as ClientEvent));
  await Promise.race([
    once(socket, 'open'),
    once(socket, 'unexpected-response').then(([, response]) => {
      throw new Error(`upgrade refused through nginx: ${response.statusCode}`);
    }),
  ]);
  t.teardown(() => socket.close());
  const offered = (questionId: string) =>
    eventually(
      () =>
        events.find(
          (e): e is ClientEvent<'question.offered'> =>
            e.type === 'question.offered' && (e as ClientEvent<'question.offered'>).data.question.id === questionId,
        ),
      `an offer of ${questionId}`,
      5000,
      10,
    );
  return { socket, offered };
}

t.test('the deploy files agree on names, ports and what goes into the image', async (t) => {
  const deployment = readDeployment();
  const { nodes, image, upstreams, services } = deployment;
  t.ok(nodes.length >= 2, `compose runs ${nodes.length} nodes`);
  t.same(
    upstreams.map((u) => u.host).sort(),
    nodes.map((n) => n.name).sort(),
    "nginx's upstreams are exactly compose's node services",
  );
  t.equal(new Set(nodes.map((n) => n.environment.NODE_ID)).size, nodes.length, 'each node has a NODE_ID of its own');
  const port = Number(image.env.PORT);
  t.same(
    upstreams.map((u) => u.port),
    upstreams.map(() => port),
    `nginx reaches each node on the image's PORT (${port})`,
  );
  t.same(image.expose, [port], 'which the image exposes');
  for (const { name } of nodes) {
    const service = services[name]!;
    t.match(service.healthcheck?.test.join(' '), `127.0.0.1:${port}/health`, `${name}'s health check asks that port`);
    t.same(service.depends_on, { postgres: { condition: 'service_healthy' } }, `${name} waits for PostgreSQL`);
    t.same(service.build, { context: '..', dockerfile: 'deploy/Dockerfile' }, `${name} is built from the repository`);
  }
  t.ok(services.balancer?.volumes?.includes('./nginx.conf:/etc/nginx/conf.d/default.conf:ro'), 'nginx runs the file');
  t.ok(
    services.balancer?.ports?.some((p) => p.endsWith(':80')),
    'the balancer publishes the port nginx.conf listens on',
  );
  t.notOk(
    image.lines.some((line) => line.trimEnd().endsWith('\\')),
    'the Dockerfile has one instruction a line (as read here)',
  );
  t.equal(image.env.NODE_ENV, 'production');
  const script = image.cmd.at(-1) ?? '';
  t.ok(existsSync(new URL(`../${script}`, import.meta.url)), `the image's command runs ${script}, which exists`);
  for (const kept of ['node_modules', 'data', '.git'])
    t.ok(deployment.dockerignore.includes(kept), `${kept} stays out of the image's build context`);
});

t.test('nginx with deploy/nginx.conf in front of two nodes: sessions, live offers, spread and failover', async (t) => {
  if (!existsSync(NGINX))
    throw new Error(`${NGINX} is missing: run 'bash scripts/ensure-nginx.sh' as root (or 'apt-get install -y nginx')`);
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  t.teardown(() => fakeX.close());
  const databaseUrl = await freshPostgresDatabase(t);
  const databasePath = tempDatabasePath(t);
  const nodes: ChildServer[] = [];
  t.teardown(async () => {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
  });
  // Each node with the environment compose and the image give it (NODE_ID, TRUST_PROXY so clients are told apart by
  // nginx's X-Forwarded-For, NODE_ENV=production, the first admin), started together on the empty database as
  // `compose up` starts them; the brand's X account is the fake's.
  const deployment = readDeployment();
  const started = await Promise.allSettled(
    deployment.nodes.map(({ name }) =>
      startChildServer({ databasePath, databaseUrl, fakeX, env: nodeEnvironment(deployment, name, databaseUrl) }),
    ),
  );
  for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  const [a] = nodes as [ChildServer, ChildServer];
  const nginx = await startNginx(t, new Map(deployment.nodes.map(({ name }, i) => [name, nodes[i]!])));
  const [idA, idB] = deployment.nodes.map(({ environment }) => environment.NODE_ID);
  const firstAdmin = {
    email: deployment.nodes[0]!.environment.ADMIN_EMAIL ?? '',
    password: deployment.nodes[0]!.environment.ADMIN_PASSWORD ?? '',
  };
  const health = async () => {
    const response = await fetch(`${nginx.url}/health`);
    const body = response.ok ? ((await response.json()) as { node: { id: string } }) : null;
    return { status: response.status, node: body?.node.id ?? `nginx's own ${response.status}` };
  };

  // 1. Sign-in: the session cookie and the CSRF token come back through nginx, and writes need both.
  const admin = await httpLogin(nginx.url, firstAdmin.email, firstAdmin.password);
  t.match(admin.cookie, /^hf_session=./, 'the session cookie is set through nginx');
  t.equal((await httpAs(nginx.url, admin).get('/api/me')).status, 200, 'the cookie is honoured on the next call');
  const forged = await fetch(`${nginx.url}/api/tags`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'x', name: 'X', keywords: ['x'] }),
  });
  t.equal(forged.status, 403, 'a write without the CSRF header is refused');
  // The manager and experts are made and signed in through nginx, on whichever node it picks for each call.
  const { manager, experts } = await network(
    { ...a, url: nginx.url },
    [
      { name: 'Ann Able', signature: 'AA', skills: [{ tag: 'tv', level: 5 }] },
      { name: 'Bo Baker', signature: 'BB', skills: [{ tag: 'tv', level: 5 }] },
    ],
    firstAdmin,
  );
  const [ann, bo] = experts;
  if (!ann || !bo) throw new Error('two experts');

  // 3. nginx spreads requests over both nodes (no sticky sessions).
  const served = new Set<string>();
  for (let i = 0; i < 6; i++) served.add((await health()).node);
  t.same([...served].sort(), [idA, idB].sort(), 'both nodes answer /health through nginx');

  // 2. Two live channels opened one after the other land on different nodes (round robin); an offer for a question
  // ingested through nginx reaches both within a second, so at least one crossed from the other node.
  const live = [await openLive(t, nginx.url, ann.cookie), await openLive(t, nginx.url, bo.cookie)];
  const bothOnline = async () => {
    // Two calls in a row: one to each node while both run, so each must count both experts online.
    for (let i = 0; i < 2; i++) {
      const roster = (await httpAs(nginx.url, manager).get('/api/experts')).body.items as { online: boolean }[];
      if (roster.filter((e) => e.online).length !== 2) return false;
    }
    return true;
  };
  await eventually(bothOnline, 'both experts online on both nodes');
  const offeredToBothIn = async (externalId: string, text: string) => {
    const startedAt = Date.now();
    const ingested = await httpAs(nginx.url, manager).post('/api/questions', {
      channel: 'api',
      externalId,
      text,
      author: { handle: 'casey' },
    });
    t.equal(ingested.status, 201, `${externalId} is ingested through nginx`);
    await Promise.all(live.map((socket) => socket.offered(ingested.body.question.id)));
    return Date.now() - startedAt;
  };
  const latency = await offeredToBothIn('nginx-1', 'my tv has no sound over hdmi');
  t.ok(latency < 1000, `both experts were offered it over WebSockets through nginx ${latency} ms after ingest`);

  // 4. SIGKILL node A: nginx closes the socket that was on it and sends every request to node B, trying node A again
  // once fail_timeout (5 s) has passed and moving on when it refuses.
  t.equal((await a.kill('SIGKILL')).signal, 'SIGKILL', 'node A is killed');
  const statuses: number[] = [];
  const servedAfter = new Set<string>();
  const until = Date.now() + 6500;
  while (Date.now() < until) {
    const { status, node: id } = await health();
    statuses.push(status, (await httpAs(nginx.url, manager).get('/api/questions?limit=5')).status);
    servedAfter.add(id);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.same([...new Set(statuses)], [200], `all ${statuses.length} requests in the 6.5 s after the kill succeeded`);
  t.same([...servedAfter], [idB], 'node B served them');
  t.match(nginx.log(), /statuses=\[502, 200\]/, 'nginx passed requests node A refused on to node B');
  const states = live.map((socket) => socket.socket.readyState);
  t.same(
    [...states].sort(),
    [WebSocket.OPEN, WebSocket.CLOSED],
    "the socket on node A was closed by nginx, node B's stays open",
  );

  // The expert whose socket closed reconnects through nginx, as the web client does, and is offered on node B.
  const closed = states.indexOf(WebSocket.CLOSED);
  live[closed] = await openLive(t, nginx.url, [ann, bo][closed]!.cookie);
  await eventually(bothOnline, 'both experts online on node B');
  const after = await offeredToBothIn('nginx-2', 'the soundbar drops out over hdmi arc');
  t.ok(after < 1000, `after the kill, both were offered a new question ${after} ms after ingest`);
});
