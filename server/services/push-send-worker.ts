// The push thread: encrypting each payload (an ECDH key agreement per push) and the TLS work of talking to push
// services stay off the event loop that serves requests. The database stays on the main thread. Jobs arrive in
// batches, and the results of one turn go back in one message.
import { parentPort, workerData } from 'node:worker_threads';
import { sendPush, type SendJob, type SendResult } from './push-send.js';
import { createPushTransport, type TransportOptions } from './push-transport.js';

const transport = createPushTransport(workerData as TransportOptions);
let results: SendResult[] = [];
const flush = () => {
  parentPort!.postMessage(results);
  results = [];
};
parentPort!.on('message', (jobs: SendJob[]) => {
  for (const job of jobs) {
    void sendPush(transport, job).then((result) => {
      if (results.length === 0) setImmediate(flush);
      results.push(result);
    });
  }
});
parentPort!.postMessage({ ready: true });
