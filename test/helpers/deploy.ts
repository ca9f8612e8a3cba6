// What deploy/ runs, read from its own files: the compose services, the image's environment and the balancer's
// upstreams. Docker cannot run here, so the topology test starts real processes with the environment compose and the
// image would give them, and checks that the files agree with each other (names, ports, credentials) wherever compose
// would be the first to notice.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface ComposeService {
  build?: { context?: string; dockerfile?: string };
  image?: string;
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test: string[] };
}

export interface Deployment {
  services: Record<string, ComposeService>;
  /** The services built from the Dockerfile: the Helpforce nodes. */
  nodes: { name: string; environment: Record<string, string> }[];
  image: { env: Record<string, string>; expose: number[]; cmd: string[]; lines: string[] };
  /** `host:port` of each upstream server in deploy/nginx.conf, in order. */
  upstreams: { host: string; port: number }[];
  dockerignore: string[];
}

/** The image's instructions, one per line (the Dockerfile uses no line continuations; a test says so). */
function parseDockerfile(text: string) {
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const env: Record<string, string> = {};
  const expose: number[] = [];
  let cmd: string[] = [];
  for (const line of lines) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    if (instruction === 'ENV')
      for (const pair of rest) {
        const at = pair.indexOf('=');
        env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    if (instruction === 'EXPOSE') expose.push(...rest.map(Number));
    if (instruction === 'CMD') cmd = JSON.parse(rest.join(' ')) as string[];
  }
  return { env, expose, cmd, lines };
}

export function readDeployment(): Deployment {
  // Compose files use YAML merge keys (`<<: *node`).
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
  const nodes = Object.entries(compose.services)
    .filter(([, service]) => service.build)
    .map(([name, service]) => ({
      name,
      environment: Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)])),
    }));
  const upstreams = [...read('deploy/nginx.conf').matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => ({
    host: m[1] as string,
    port: Number(m[2]),
  }));
  const dockerignore = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return {
    services: compose.services,
    nodes,
    image: parseDockerfile(read('deploy/Dockerfile')),
    upstreams,
    dockerignore,
  };
}

/**
 * A node's environment as compose and the image give it, for a process on this machine: the database URL must name
 * compose's PostgreSQL service with its own credentials, and is replaced by `databaseUrl`; HOST and PORT are left to
 * the caller (two nodes on one machine cannot both listen on the image's port).
 */
export function nodeEnvironment(deployment: Deployment, node: string, databaseUrl: string): Record<string, string> {
  const service = deployment.nodes.find((n) => n.name === node);
  if (!service) throw new Error(`deploy/compose.yaml has no node service ${node}`);
  const { HOST: _host, PORT: _port, ...image } = deployment.image.env;
  const url = new URL(service.environment.DATABASE_URL ?? '');
  const postgres = deployment.services[url.hostname];
  const credentials = postgres?.environment ?? {};
  if (
    !postgres?.image?.startsWith('postgres:') ||
    decodeURIComponent(url.username) !== credentials.POSTGRES_USER ||
    decodeURIComponent(url.password) !== credentials.POSTGRES_PASSWORD ||
    url.pathname.slice(1) !== credentials.POSTGRES_DB
  )
    throw new Error(`${node}'s DATABASE_URL does not name compose's PostgreSQL service with its credentials: ${url}`);
  return { ...image, ...service.environment, DATABASE_URL: databaseUrl };
}
