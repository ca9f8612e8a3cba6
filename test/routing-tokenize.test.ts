import t from 'tap';
import { contentTerms, stem, tokenize } from '../server/domain/routing/tokenize.js';

const cases: { name: string; text: string; tokens?: string[]; content?: string[]; excludes?: string[] }[] = [
  {
    name: 'lowercases and splits on punctuation',
    text: 'Spotify, APP... crashes!',
    tokens: ['spotify', 'app', 'crash'],
  },
  { name: 'drops @mentions but not emails-like words in text', text: '@SpotifyCares @user_12 help', tokens: ['help'] },
  { name: 'drops URLs', text: 'see https://t.co/AbC123 and www.example.com/x now', tokens: ['see', 'and', 'now'] },
  {
    name: 'splits camelCase hashtags and keeps the joined form',
    text: '#BatteryLife',
    tokens: ['battery', 'life', 'batterylif'],
  },
  { name: 'keeps brand-style prefixes together', text: '#iPhone7 #eBay', tokens: ['iphon', '7', 'iphone7', 'ebay'] },
  { name: 'splits acronym then word', text: '#NYCSubway', tokens: ['nyc', 'subway', 'nycsubway'] },
  { name: 'ignores emoji', text: 'no sound 😡🔇', tokens: ['no', 'sound'] },
  { name: 'folds accents and apostrophes', text: "Café can't Spotify's", tokens: ['cafe', 'cant', 'spotify'] },
  {
    name: 'stems plurals and verb forms to one form',
    text: 'playlists playlist creating created creates',
    tokens: ['playlist', 'playlist', 'creat', 'creat', 'creat'],
  },
  {
    name: 'content terms drop stopwords and single letters',
    text: 'How do I share a playlist?',
    content: ['shar', 'playlist'],
  },
  { name: 'keeps numbers and codes', text: 'error 404 on wgs84', content: ['error', '404', 'wgs84'] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if (c.tokens) t.same(tokenize(c.text), c.tokens);
    if (c.content) t.same(contentTerms(c.text), c.content);
  });
}

t.test('stem maps variants together and leaves short words alone', async (t) => {
  const groups = [
    ['battery', 'batteries'],
    ['charge', 'charging', 'charged', 'charges'],
    ['box', 'boxes'],
    ['map', 'mapping', 'maps'],
  ];
  for (const group of groups) t.equal(new Set(group.map(stem)).size, 1, group.join(' '));
  t.equal(stem('bus'), 'bus');
  t.equal(stem('its'), 'its');
});

t.test('words seen before, and past the kept-words bound, tokenize as they did the first time', async (t) => {
  const text = "Café can't Spotify's playlists, #BatteryLife charging";
  const first = [...tokenize(text)];
  t.same([...tokenize(`${text} again`)].slice(0, first.length), first, 'the same words from the kept map');
  // More distinct words than the map keeps: it is emptied on the way, and nothing changes for the words above.
  for (let i = 0; i < 60_000; i++) tokenize(`word${i} another${i}`);
  t.same([...tokenize(`${text} once more`)].slice(0, first.length), first, 'after the map was emptied');
  t.same(first, ['cafe', 'cant', 'spotify', 'playlist', 'battery', 'life', 'batterylif', 'charg']);
});
