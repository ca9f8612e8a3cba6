// Which demo topic a question is about, read from its words: the tags alone are too coarse (a microwave and an ice
// maker are both appliances) and a question may be tagged wrong. A topic's words score one each; a topic under one of
// the question's tags wins a tie.
import { CANNED_ANSWERS, DEMO_TOPICS, REVISION_CLOSINGS, THANK_YOUS, type DemoTopic } from './catalog.js';

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.+-]*/gu) ?? []);

export function topicOf(text: string, tags: readonly string[] = []): DemoTopic | undefined {
  const said = words(text);
  let best: { topic: DemoTopic; score: number } | undefined;
  for (const topic of DEMO_TOPICS) {
    const hits = topic.words.filter((word) => said.has(word)).length;
    if (hits === 0) continue;
    const score = hits + (tags.includes(topic.tag) ? 0.5 : 0);
    if (!best || score > best.score) best = { topic, score };
  }
  return best?.topic;
}

type Pick = <T>(list: readonly T[]) => T;

/**
 * An answer about the question: its topic's, else one for its first tag, else a general one. One the thread already
 * has (`said`: the brand's earlier replies) is given again only when there is no other.
 */
export function answerFor(text: string, tags: readonly string[], pick: Pick, said: readonly string[] = []): string {
  const topic = topicOf(text, tags);
  const answers = topic?.answers ??
    CANNED_ANSWERS[tags[0] ?? ''] ??
    CANNED_ANSWERS.general ?? ['Thanks for reaching out!'];
  const fresh = answers.filter((answer) => !said.some((earlier) => earlier.includes(answer)));
  return pick(fresh.length > 0 ? fresh : answers);
}

/** A second try after a reviewer sent the first back: another answer of the topic, with a next step added. */
export function revisedAnswer(text: string, tags: readonly string[], rejected: string, pick: Pick): string {
  const topic = topicOf(text, tags);
  const options = (topic?.answers ?? CANNED_ANSWERS[tags[0] ?? ''] ?? CANNED_ANSWERS.general ?? []).filter(
    (answer) => !rejected.includes(answer),
  );
  const answer = options.length > 0 ? pick(options) : answerFor(text, tags, pick);
  return `${answer} ${pick(REVISION_CLOSINGS)}`;
}

/** What the customer writes under the brand's answer: a follow-up about the same problem, or thanks. */
export function customerReply(question: string, pick: Pick, followUp: boolean): string {
  const topic = topicOf(question);
  return followUp && topic ? topic.followUp : pick(THANK_YOUS);
}
