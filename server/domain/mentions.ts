// Mentions in an internal note: "@Jane Doe" (a display name, up to four words) or "@jane.doe" (an email's local part).
// Each "@" yields its candidate spellings, longest first; the caller resolves them against users and keeps, per "@",
// the longest spelling that names someone.
export interface MentionPerson {
  id: string;
  name: string;
  email: string;
}

const MAX_NAME_WORDS = 4;

export function mentionCandidates(text: string): string[][] {
  const found: string[][] = [];
  for (const match of text.matchAll(/(^|[^\p{L}\p{N}_.])@([^\s@]+(?:[ \t]+[^\s@]+){0,3})/gu)) {
    const words = match[2]!.split(/[ \t]+/).slice(0, MAX_NAME_WORDS);
    const spellings: string[] = [];
    for (let n = words.length; n >= 1; n--) {
      const phrase = words.slice(0, n).join(' ');
      spellings.push(phrase.toLowerCase(), phrase.replace(/[^\p{L}\p{N})]+$/u, '').toLowerCase());
    }
    found.push([...new Set(spellings.filter(Boolean))]);
  }
  return found;
}

export const emailLocalPart = (email: string) => email.slice(0, email.indexOf('@')).toLowerCase();

/** The people a note mentions, in the order they are first named; `people` are the users any candidate could match. */
export function resolveMentions(text: string, people: readonly MentionPerson[]): MentionPerson[] {
  const byName = new Map<string, MentionPerson[]>();
  const add = (key: string, person: MentionPerson) => byName.set(key, [...(byName.get(key) ?? []), person]);
  for (const person of people) {
    add(person.name.toLowerCase(), person);
    add(emailLocalPart(person.email), person);
  }
  const mentioned = new Map<string, MentionPerson>();
  for (const spellings of mentionCandidates(text)) {
    const hit = spellings.find((s) => byName.has(s));
    for (const person of hit ? byName.get(hit)! : []) mentioned.set(person.id, person);
  }
  return [...mentioned.values()];
}
