import t from 'tap';
import { graphemeCount, graphemeRule, mastodonLength, mastodonRule } from '../server/domain/length-rules.js';

t.test('graphemes: what a person sees as one character counts once', async (t) => {
  t.equal(graphemeCount('hello'), 5);
  t.equal(graphemeCount('👍🏽'), 1, 'an emoji with a skin tone');
  t.equal(graphemeCount('🇫🇷'), 1, 'a flag');
  t.equal(graphemeCount('e\u0301'), 1, 'a letter with a combining accent');
  t.equal(graphemeRule(300).max, 300);
});

t.test('Mastodon: a URL counts 23, a remote mention its local part', async (t) => {
  t.equal(mastodonLength('see https://example.com/a/very/long/path/that/goes/on?and=on'), 4 + 23);
  t.equal(mastodonLength('hi @maria@social.example thanks'), 'hi @maria thanks'.length);
  t.equal(mastodonLength('mail me at a@b'), 'mail me at a@b'.length, 'not a mention');
  t.equal(mastodonRule().max, 500);
  t.equal(mastodonRule(1000).measure('x'.repeat(10)), 10);
});
