// The tokenizer keeps each raw word it has seen. V8 stores a substring of 13+ characters as a view into the string it
// was cut from, so a kept word must be a copy of its own, or the word map keeps every customer post it saw alive.
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ownCopy, tokenize } from '../server/domain/routing/tokenize.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

t.test('ownCopy is the same text', async (t) => {
  for (const text of ['', 'tv', 'exactly13char', 'troubleshooting the soundbar']) t.equal(ownCopy(text), text);
});

t.test('words kept by the tokenizer do not keep the posts they came from', async (t) => {
  const filler = 'my tv has no sound over hdmi from the soundbar again '.repeat(40); // ~2 kB of short, repeated words
  const before = heapAfterGc();
  const posts = 10_000;
  for (let i = 0; i < posts; i++) tokenize(`${filler} order ordernumber${String(i).padStart(12, '0')} please`);
  const grown = heapAfterGc() - before;
  // Each post is ~2 kB: kept as views, 10,000 unique long words would hold ~20 MB; as copies, well under 5 MB.
  t.ok(grown < 6e6, `heap grew ${(grown / 1e6).toFixed(1)} MB after ${posts} posts with a unique long word each`);
});
