// A minimal keep-alive HTTP client for open-loop load: no retries, no body parsing unless asked.
import http from 'node:http';

export interface HttpResult {
  status: number;
  ms: number;
  body: string;
}

export function createAgent(maxSockets: number) {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function request(
  agent: http.Agent,
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<HttpResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: options.method,
        headers: {
          ...options.headers,
          ...(options.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Calls `send(i)` for i = 0 … rate × seconds − 1 on schedule (open loop: a slow server does not slow the sender). */
export async function openLoop(rate: number, seconds: number, send: (i: number) => void): Promise<number> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) send(sent++);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return performance.now() - start;
}
