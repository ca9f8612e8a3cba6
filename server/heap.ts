// How much the V8 heap may grow past the memory still live after a full garbage collection, for the server process.
import { setFlagsFromString } from 'node:v8';

/**
 * V8 sizes the old generation from the allocation rate, and a busy server allocates many short-lived objects per
 * question: left alone it lets the heap grow to several times what is live before collecting, and peak RSS with it.
 * Capping growth at 1.5x makes full collections more frequent but each one small (the live heap is small), which keeps
 * the server within its memory target at the same throughput (docs/architecture.md#why-some-rules-are-so). Read by V8
 * at every collection, so setting it at start-up applies from the first one.
 */
export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT) {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
