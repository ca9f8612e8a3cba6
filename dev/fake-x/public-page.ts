import type { FastifyInstance } from 'fastify';
import type { FakeXState } from './state.js';

const DEFAULT_THREADS = 200;

export interface PublicThread {
  id: string;
  text: string;
  author: { id: string; username: string; name: string };
  createdAt: string;
  inReplyToTweetId?: string;
  replies: { id: string; text: string; createdAt: string }[];
}

/** What a customer sees on X: every customer post, newest first, with the brand's replies under it. */
export function publicThreads(state: FakeXState, limit = DEFAULT_THREADS): PublicThread[] {
  const threads: PublicThread[] = [];
  for (let i = state.tweets.length - 1; i >= 0 && threads.length < limit; i--) {
    const tweet = state.tweets[i]!;
    if (tweet.authorId === state.brand.id) continue;
    const author = state.user(tweet.authorId)!;
    threads.push({
      id: tweet.id,
      text: tweet.text,
      author: { id: author.id, username: author.username, name: author.name },
      createdAt: tweet.createdAt.toISOString(),
      inReplyToTweetId: tweet.inReplyToTweetId,
      replies: state
        .repliesTo(tweet.id)
        .filter((reply) => reply.authorId === state.brand.id)
        .map(({ id, text, createdAt }) => ({ id, text, createdAt: createdAt.toISOString() })),
    });
  }
  return threads;
}

export function registerPublicPage(app: FastifyInstance, state: FakeXState): void {
  app.get<{ Querystring: { limit?: string } }>('/threads.json', async (request) => ({
    threads: publicThreads(state, Number(request.query.limit) || DEFAULT_THREADS),
  }));

  app.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    return renderPage(state.brand.username, publicThreads(state));
  });
}

function renderPage(brand: string, threads: PublicThread[]): string {
  const items = threads.map((thread) => {
    const replies = thread.replies
      .map(
        (reply) =>
          `<li class="reply"><b>@${escapeHtml(brand)}</b> ${escapeHtml(reply.text)} <time>${reply.createdAt}</time></li>`,
      )
      .join('');
    const context = thread.inReplyToTweetId ? ' <small>(follow-up)</small>' : '';
    return `<li class="post" id="t${thread.id}"><b>${escapeHtml(thread.author.name)}</b> @${escapeHtml(thread.author.username)}${context}
<p>${escapeHtml(thread.text)}</p> <time>${thread.createdAt}</time><ul>${replies}</ul></li>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>@${escapeHtml(brand)} on fake X</title>
<style>body{font:15px system-ui;max-width:42rem;margin:2rem auto}li.post{list-style:none;border-bottom:1px solid #ddd;padding:.5rem 0}li.reply{color:#14517a}</style>
</head><body><h1>Mentions of @${escapeHtml(brand)}</h1>
<ul>${items.join('\n') || '<li>No posts yet.</li>'}</ul></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
