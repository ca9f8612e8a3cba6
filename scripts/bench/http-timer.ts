// A load-free client in a process of its own, for the database-growth latencies: by the time the db section runs the
// parent has driven autocannon and 1,000 WebSockets, and its own garbage collection would otherwise land inside the
// requests it is timing. Requests are sequential, each on the same kept-alive connection.
import { answerParent, failStart } from './child.js';
import { createAgent, request } from './http.js';

export interface TimedPath {
  firstMs: number;
  firstStatus: number;
  firstBody: string;
  ms: number[];
}

async function main() {
  const agent = createAgent(1);
  answerParent(
    {},
    {
      /** One request reported on its own (it may fill caches), then `requests` more, timed. */
      async time({
        url,
        headers,
        requests,
      }: {
        url: string;
        headers: Record<string, string>;
        requests: number;
      }): Promise<TimedPath> {
        const first = await request(agent, url, { method: 'GET', headers });
        const ms: number[] = [];
        if (first.status === 200)
          for (let i = 0; i < requests; i++) ms.push((await request(agent, url, { method: 'GET', headers })).ms);
        return { firstMs: Math.round(first.ms), firstStatus: first.status, firstBody: first.body, ms };
      },
    },
    async () => {
      agent.destroy();
    },
  );
}

main().catch(failStart);
