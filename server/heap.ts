// How much the V8 heap may grow past the memory still live after a full garbage collection, for the server process.
import { setFlagsFromString } from 'node:v8';

/**
 * V8 sizes the old generation from the allocation rate: a busy server (~200 KB of short-lived objects per question,
 * of which a little survives two scavenges) lets it grow to 3-4x the live heap (~55 MB) before collecting, which is
 * what pushed peak RSS past 400 MB. Capping growth at 1.5x makes full collections more frequent but each one small
 * (the live heap is small); in `npm run bench` it kept peak RSS near 270 MB with no measurable throughput change.
 * Read by V8 at every collection, so setting it at start-up applies from the first one.
 */
export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT) {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
