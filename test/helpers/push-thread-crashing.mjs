// A push thread that answers every job with 201 without sending it, tells the test on a broadcast channel which jobs
// it was given, and dies a moment after it is given one whose payload says "crash": for test/push-sender-faults
// (a thread lost with jobs still waiting to be posted to it).
import { BroadcastChannel, parentPort } from 'node:worker_threads';

const given = new BroadcastChannel('push-thread-crashing');
given.unref();
parentPort.on('message', (jobs) => {
  given.postMessage(jobs.map((job) => job.payload));
  parentPort.postMessage(jobs.map((job) => ({ id: job.id, status: 201 })));
  if (jobs.some((job) => job.payload.includes('crash'))) setTimeout(() => process.exit(1), 300);
});
parentPort.postMessage({ ready: true });
