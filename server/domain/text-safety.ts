// What text may carry. Anything that can be published under the brand is refused when it holds a character that
// hides, reorders or breaks text (the writer is an employee and can retype it); what is only stored and shown
// internally is cleaned instead, because refusing a customer's post would lose their question.
//
// Per field (the contracts in contracts/api.ts and the services apply these):
//
// | field                                   | treatment | lines  | why                                                   |
// |-----------------------------------------|-----------|--------|-------------------------------------------------------|
// | reply text (submit, a manager's edit)   | refuse    | multi  | posted under the brand as written                     |
// | profile signature, handle               | refuse    | single | appended to every public post of the expert           |
// | attribution template                    | refuse    | multi  | shapes every public post                              |
// | snippet title, text                     | refuse    | multi* | inserted into replies (*the title is single-line)     |
// | user name                               | refuse    | single | shown to colleagues, the default signature's source   |
// | tag name, keywords                      | refuse    | single | shown as chips, matched against customers' words      |
// | tag description, expert store           | sanitize  | —      | internal labels                                       |
// | question text, follow-ups (ingest, X)   | sanitize  | multi  | the customer's words: never refuse, never lose        |
// | question author handle and name         | sanitize  | single | from the network; shown internally                    |
// | notes, hand-off notes                   | sanitize  | multi  | internal only                                         |
// | dismiss reason, review feedback         | sanitize  | multi  | internal only                                         |
//
// Sanitizing keeps bidi controls: the web client renders every text as text (never as HTML), inside its own element,
// so a customer's override cannot reorder anything beyond their own words.

export type Lines = 'single' | 'multi';

export interface UnsafeCharacter {
  codePoint: number;
  name: string;
  position: number;
}
export type TextProblem = { kind: 'invisible' } | { kind: 'character'; character: UnsafeCharacter };

const C0_NAMES = [
  'NULL',
  'START OF HEADING',
  'START OF TEXT',
  'END OF TEXT',
  'END OF TRANSMISSION',
  'ENQUIRY',
  'ACKNOWLEDGE',
  'BELL',
  'BACKSPACE',
  'CHARACTER TABULATION',
  'LINE FEED',
  'LINE TABULATION',
  'FORM FEED',
  'CARRIAGE RETURN',
  'SHIFT OUT',
  'SHIFT IN',
  'DATA LINK ESCAPE',
  'DEVICE CONTROL ONE',
  'DEVICE CONTROL TWO',
  'DEVICE CONTROL THREE',
  'DEVICE CONTROL FOUR',
  'NEGATIVE ACKNOWLEDGE',
  'SYNCHRONOUS IDLE',
  'END OF TRANSMISSION BLOCK',
  'CANCEL',
  'END OF MEDIUM',
  'SUBSTITUTE',
  'ESCAPE',
  'INFORMATION SEPARATOR FOUR',
  'INFORMATION SEPARATOR THREE',
  'INFORMATION SEPARATOR TWO',
  'INFORMATION SEPARATOR ONE',
];

const NAMES: Record<number, string> = {
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xad: 'SOFT HYPHEN',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR',
  0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR',
  0xfffe: 'NONCHARACTER',
  0xffff: 'NONCHARACTER',
};

/**
 * Format characters that real writing needs: joiners (emoji sequences, Indic and Persian scripts), the directional
 * marks (a mark acts like one letter of its direction; unlike overrides and isolates it cannot reverse other text)
 * and the Arabic signs that span numbers. Tag characters are allowed only inside an emoji flag sequence.
 */
const NEEDED_FORMAT = /[\u200c-\u200f\u061c\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]/u;
const FLAG_SEQUENCE = /^\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}/u;
/** Characters that render as nothing (or as blank space) even though they are not whitespace. */
const HIDDEN = /[\u115f\u1160\u3164\uffa0]/u;
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/gu;
const FORMAT = /\p{Cf}/u;
const NEEDS_CLEANING = /[\p{Cc}\p{Cs}]/u;
const LINE_BREAK_OR_TAB = new Set([0x0a, 0x09, 0x2028, 0x2029]);

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

function nameOf(codePoint: number): string {
  if (codePoint < 0x20) return C0_NAMES[codePoint]!;
  if (NAMES[codePoint]) return NAMES[codePoint]!;
  if (codePoint >= 0x80 && codePoint <= 0x9f) return 'C1 CONTROL';
  if (codePoint >= 0xd800 && codePoint <= 0xdbff) return 'LONE HIGH SURROGATE';
  if (codePoint >= 0xdc00 && codePoint <= 0xdfff) return 'LONE LOW SURROGATE';
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'TAG CHARACTER';
  return 'FORMAT CHARACTER';
}

const isControl = (codePoint: number) => codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
const isSurrogate = (codePoint: number) => codePoint >= 0xd800 && codePoint <= 0xdfff; // a code point of its own only when unpaired
const isBidiControl = (codePoint: number) =>
  (codePoint >= 0x202a && codePoint <= 0x202e) || (codePoint >= 0x2066 && codePoint <= 0x2069);

function isUnsafe(char: string, codePoint: number, lines: Lines): boolean {
  if (LINE_BREAK_OR_TAB.has(codePoint)) return lines === 'single';
  if (
    isControl(codePoint) ||
    isSurrogate(codePoint) ||
    codePoint === 0xfffe ||
    codePoint === 0xffff ||
    HIDDEN.test(char)
  )
    return true;
  return FORMAT.test(char) && !NEEDED_FORMAT.test(char);
}

function reasonFor(codePoint: number): string {
  if (LINE_BREAK_OR_TAB.has(codePoint)) return 'this field is a single line';
  if (isControl(codePoint)) return 'control characters break the text';
  if (isSurrogate(codePoint)) return 'it is half of a character';
  if (isBidiControl(codePoint)) return 'it reorders the text around it';
  return 'it is invisible';
}

/** NFC, and (in multi-line text) one kind of line break, as a browser's text box sends it. */
export function normalizeText(text: string, lines: Lines): string {
  const nfc = text.normalize('NFC');
  return lines === 'multi' ? nfc.replace(/\r\n?/g, '\n') : nfc;
}

/** The first reason the text may not be published, or null. Expects normalized, trimmed text. */
export function findUnsafe(text: string, lines: Lines): TextProblem | null {
  if (text.length > 0 && text.replace(INVISIBLE, '').length === 0) return { kind: 'invisible' };
  let position = 0;
  for (let i = 0; i < text.length; ) {
    position++;
    const flag = text.codePointAt(i) === 0x1f3f4 ? FLAG_SEQUENCE.exec(text.slice(i, i + 40)) : null;
    if (flag) {
      i += flag[0].length;
      continue;
    }
    const codePoint = text.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    if (isUnsafe(char, codePoint, lines))
      return { kind: 'character', character: { codePoint, name: nameOf(codePoint), position } };
    i += char.length;
  }
  return null;
}

export function describeProblem(problem: TextProblem): string {
  if (problem.kind === 'invisible') return 'the text has only invisible characters; write something a reader can see';
  const { codePoint, name, position } = problem.character;
  return `${hex(codePoint)} ${name} at position ${position} is not allowed: ${reasonFor(codePoint)}`;
}

/** Why the text may not be published (for an error message), or null when it may be. */
export function publicTextProblem(text: string, lines: Lines): string | null {
  const problem = findUnsafe(text, lines);
  return problem ? describeProblem(problem) : null;
}

/**
 * Text kept as the caller sent it, minus what breaks storage and display: NFC; controls removed (line breaks and tabs
 * kept in multi-line text, turned into spaces in single-line text); unpaired surrogates replaced by U+FFFD. A text
 * that held nothing else becomes U+FFFD, so a post that arrived is never stored as nothing.
 */
export function sanitizeText(text: string, lines: Lines): string {
  if (!NEEDS_CLEANING.test(text)) return normalizeText(text, lines);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    if (isSurrogate(unit)) out += '\ufffd';
    else if (unit === 0x0a || unit === 0x09 || unit === 0x0d) out += lines === 'multi' ? text[i] : ' ';
    else if (isControl(unit)) continue;
    else out += text[i];
  }
  const cleaned = normalizeText(out, lines);
  return cleaned.length === 0 && text.length > 0 ? '\ufffd' : cleaned;
}
