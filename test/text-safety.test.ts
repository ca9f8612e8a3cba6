import t from 'tap';
import {
  findUnsafe,
  normalizeText,
  publicTextProblem,
  sanitizeText,
  type Lines,
} from '../server/domain/text-safety.js';

const LONE_HIGH = String.fromCharCode(0xd83d);
const LONE_LOW = String.fromCharCode(0xdc4b);

t.test('public text: what is refused, and the message names the character and its position', async (t) => {
  const cases: [string, string, Lines, string | null][] = [
    ['plain text', 'Try a reset.', 'single', null],
    ['accents, CJK, Arabic and Hebrew', 'Café 漢字 مرحبا שלום', 'single', null],
    ['a family emoji keeps its joiners', 'Hi 👨‍👩‍👧‍👦', 'single', null],
    ['a subdivision flag keeps its tag characters', 'Go 🏴󠁧󠁢󠁳󠁣󠁴󠁿!', 'single', null],
    ['Persian with a zero width non-joiner', 'می‌خواهم', 'single', null],
    ['a right-to-left mark', 'price: ‏100', 'single', null],
    ['an emoji with a variation selector', 'I ❤️ it', 'single', null],
    ['line breaks and tabs in multi-line text', 'Step 1\n\tStep 2', 'multi', null],
    ['three zero-width spaces are empty', '\u200b\u200b\u200b', 'multi', 'the text has only invisible characters'],
    ['spaces and a word joiner are empty', ' \u2060 ', 'multi', 'the text has only invisible characters'],
    ['a Hangul filler name is empty', '\u3164', 'single', 'the text has only invisible characters'],
    ['a zero width space in a word', 'pass\u200bword', 'single', 'U+200B ZERO WIDTH SPACE at position 5'],
    [
      'a right-to-left override',
      'ok \u202egnp.exe',
      'multi',
      'U+202E RIGHT-TO-LEFT OVERRIDE at position 4 is not allowed: it reorders',
    ],
    ['a left-to-right embedding', 'a\u202ab', 'multi', 'U+202A LEFT-TO-RIGHT EMBEDDING at position 2'],
    ['a first strong isolate', 'a\u2068b', 'multi', 'U+2068 FIRST STRONG ISOLATE at position 2'],
    ['a pop directional isolate', 'a\u2069b', 'multi', 'U+2069 POP DIRECTIONAL ISOLATE at position 2'],
    ['NUL', 'a\u0000b', 'multi', 'U+0000 NULL at position 2 is not allowed: control characters'],
    ['a bell', 'ding\u0007', 'multi', 'U+0007 BELL at position 5'],
    ['a carriage return left alone', 'a\rb', 'single', 'U+000D CARRIAGE RETURN at position 2'],
    ['DELETE', 'a\u007f', 'multi', 'U+007F DELETE at position 2'],
    ['a C1 control', 'a\u0085', 'multi', 'U+0085 NEXT LINE at position 2'],
    [
      'a lone high surrogate',
      `a${LONE_HIGH}b`,
      'multi',
      'U+D83D LONE HIGH SURROGATE at position 2 is not allowed: it is half of a character',
    ],
    ['a lone low surrogate after an emoji', `👋${LONE_LOW}`, 'multi', 'U+DC4B LONE LOW SURROGATE at position 2'],
    ['a byte order mark inside', 'a\ufeffb', 'single', 'U+FEFF ZERO WIDTH NO-BREAK SPACE at position 2'],
    ['a soft hyphen', 'pay\u00adpal', 'single', 'U+00AD SOFT HYPHEN at position 4'],
    [
      'a newline in a single-line field',
      'Jane\nDoe',
      'single',
      'U+000A LINE FEED at position 5 is not allowed: this field is a single line',
    ],
    ['a tab in a single-line field', 'Jane\tDoe', 'single', 'U+0009 CHARACTER TABULATION at position 5'],
    ['a line separator in a single-line field', 'Jane\u2028Doe', 'single', 'U+2028 LINE SEPARATOR at position 5'],
    ['a tag character outside a flag', 'a\u{e0041}', 'single', 'U+E0041 TAG CHARACTER at position 2'],
    ['the first of several', 'x\u202e\u0000', 'multi', 'U+202E RIGHT-TO-LEFT OVERRIDE at position 2'],
  ];
  for (const [name, text, lines, expected] of cases) {
    const problem = publicTextProblem(normalizeText(text, lines), lines);
    if (expected === null) t.equal(problem, null, name);
    else t.match(problem ?? '', expected, name);
  }
});

t.test('positions count characters, not UTF-16 units', async (t) => {
  t.match(findUnsafe('😀😀\u202e', 'single'), { kind: 'character', character: { codePoint: 0x202e, position: 3 } });
});

t.test('normalizing composes to NFC and unifies line breaks in multi-line text', async (t) => {
  t.equal(normalizeText('Cafe\u0301', 'single'), 'Café');
  t.equal(normalizeText('a\r\nb\rc', 'multi'), 'a\nb\nc');
  t.equal(normalizeText('a\r\nb', 'single'), 'a\r\nb', 'a single line keeps its carriage return, to be refused');
});

t.test('sanitizing keeps the words and drops what breaks storage or display', async (t) => {
  const cases: [string, string, Lines, string][] = [
    ['plain text is unchanged', 'My TV has no sound', 'multi', 'My TV has no sound'],
    ['NUL and controls go', 'a\u0000b\u0007c\u001bd\u0085e', 'multi', 'abcde'],
    ['line breaks and tabs stay in multi-line text', 'a\r\nb\tc', 'multi', 'a\nb\tc'],
    ['line breaks become spaces in single-line text', 'Jane\nDoe', 'single', 'Jane Doe'],
    ['a lone surrogate becomes U+FFFD', `a${LONE_HIGH}b${LONE_LOW}`, 'multi', 'a\ufffdb\ufffd'],
    ['a paired surrogate is an emoji and stays', 'hi 👋', 'multi', 'hi 👋'],
    ['bidi controls stay: the client renders them as text', 'a\u202eb', 'multi', 'a\u202eb'],
    ['zero-width characters stay', 'a\u200bb', 'multi', 'a\u200bb'],
    ['NFC', 'Cafe\u0301', 'single', 'Café'],
    ['a post of nothing but controls is kept as U+FFFD', '\u0000\u0001', 'multi', '\ufffd'],
    ['an empty text stays empty', '', 'single', ''],
  ];
  for (const [name, text, lines, expected] of cases) t.equal(sanitizeText(text, lines), expected, name);
});
