// Are the "similar past answers" worth showing? On real brand support threads (customer tweet → the brand's reply,
// ../shared/data/tweets/twcs_spotifycares_question_to_agent.csv), in time order: each question gets the best match
// among the earlier answered ones, through the production index. A suggestion counts as relevant when the brand
// answered this question the same way — its real reply is close to the suggested reply (TF-IDF cosine ≥ 0.3 between
// the two replies, handles, links and agent initials removed). Printed per minimum score: how often something is
// shown, and how often what is shown is relevant; beside it, "the most recent answer" as a baseline.
//   npm run eval:similar
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAnswerIndex } from '../server/domain/answer-index.js';
import { MIN_SIMILARITY } from '../server/services/answers.js';
import { parseCsv } from '../test/helpers/tweets.js';

const FILE = fileURLToPath(
  new URL('../../shared/data/tweets/twcs_spotifycares_question_to_agent.csv', import.meta.url),
);
const RELEVANT = 0.3;
const WARM_UP = 200;

const [header, ...rows] = parseCsv(readFileSync(process.argv[2] ?? FILE, 'utf8'));
const column = (name: string) => header!.indexOf(name);
const clean = (text: string) =>
  text
    .replace(/@\w+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\/\w{2}\s*$/, ' ');
const pairs = rows
  .filter((row) => row.length >= header!.length)
  .map((row) => ({
    question: clean(row[column('customer_text')]!),
    reply: clean(row[column('reply_text')]!),
    at: Date.parse(row[column('customer_created_at')]!),
  }))
  .sort((a, b) => a.at - b.at);

const replies = createAnswerIndex();
pairs.forEach((pair, i) => replies.add({ id: String(i), group: String(i), text: pair.reply }));
const replySimilarity = (i: number, j: number) =>
  replies.search(pairs[i]!.reply, { limit: pairs.length }).find((m) => m.id === String(j))?.score ?? 0;

const index = createAnswerIndex();
const best: { score: number; relevant: boolean }[] = [];
let recentRelevant = 0;
pairs.forEach((pair, i) => {
  if (i >= WARM_UP) {
    const top = index.search(pair.question, { limit: 1 })[0];
    if (top) best.push({ score: top.score, relevant: replySimilarity(i, Number(top.id)) >= RELEVANT });
    if (replySimilarity(i, i - 1) >= RELEVANT) recentRelevant++;
  }
  index.add({ id: String(i), group: String(i), text: `${pair.question}\n${pair.reply}` });
});

const asked = pairs.length - WARM_UP;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
  `similar answers on ${asked} brand support questions (after ${WARM_UP} to start from); relevant = the real reply's cosine to the suggested one ≥ ${RELEVANT}`,
);
console.log('| minimum score | shown for | relevant when shown |');
console.log('|---|---|---|');
const rowsOut = [0, 0.2, 0.3, MIN_SIMILARITY, 0.5]
  .filter((v, i, all) => all.indexOf(v) === i)
  .sort((a, b) => a - b)
  .map((minimum) => {
    const shown = best.filter((b) => b.score >= minimum);
    const relevant = shown.filter((b) => b.relevant).length / Math.max(1, shown.length);
    console.log(
      `| ${minimum}${minimum === MIN_SIMILARITY ? ' (the product)' : ''} | ${pct(shown.length / asked)} | ${pct(relevant)} |`,
    );
    return { minimum, shown: shown.length / asked, relevant };
  });
console.log(`| baseline: the most recent answer | 100 % | ${pct(recentRelevant / asked)} |`);
console.log(JSON.stringify({ asked, rows: rowsOut, mostRecent: recentRelevant / asked }));
