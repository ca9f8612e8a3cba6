// The push thread: encrypting each payload (an ECDH key agreement per push) and the TLS work of talking to push
// services stay off the event loop that serves requests. The database stays on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { sendPush, type SendJob } from './push-send.js';
import { createPushTransport, type TransportOptions } from './push-transport.js';

const transport = createPushTransport(workerData as TransportOptions);
parentPort!.on('message', (job: SendJob) => {
  void sendPush(transport, job).then((result) => parentPort!.postMessage(result));
});
parentPort!.postMessage({ ready: true });
