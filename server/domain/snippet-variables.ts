// Reused answers never carry an earlier customer's handle or name: a saved answer keeps `{customer}` and `{name}` in
// their place, and the composer fills them for the customer at hand. Shared by the server (saving) and the web
// client (filling), so both read the text the same way.

export interface Customer {
  handle: string;
  name: string | null;
}

export const SNIPPET_VARIABLES = ['customer', 'name'] as const;

const PLACEHOLDER = /\{(\w+)\}/g;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Letters, digits and _ on either side would make the match part of a longer word or handle.
const alone = (pattern: string) => new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, 'giu');

/** A display name short enough to be a common word ("Al", "Jo") is left alone rather than cut out of sentences. */
const MIN_NAME_LENGTH = 3;

function usableName(customer: Customer): string | null {
  const name = customer.name?.trim() ?? '';
  return name.length >= MIN_NAME_LENGTH ? name : null;
}

/** The answer with this customer's `@handle` (any case) as `{customer}` and their display name as `{name}`. */
export function toTemplate(text: string, customer: Customer): string {
  const handle = customer.handle.replace(/^@/, '');
  let template = handle ? text.replace(alone(`@${escapeRegExp(handle)}`), '{customer}') : text;
  const name = usableName(customer);
  if (name) template = template.replace(alone(escapeRegExp(name)), '{name}');
  return template;
}

/** `{customer}` becomes `@handle`, `{name}` the display name (the handle when there is none). */
export function fillTemplate(template: string, customer: Customer): string {
  const handle = customer.handle.replace(/^@/, '');
  const name = customer.name?.trim() || handle;
  return template.replace(PLACEHOLDER, (whole, variable: string) =>
    variable === 'customer' ? `@${handle}` : variable === 'name' ? name : whole,
  );
}

/** An earlier customer's answer made ready for this one. */
export function reuseFor(text: string, from: Customer | null, to: Customer): string {
  return fillTemplate(from ? toTemplate(text, from) : text, to);
}

/** Placeholders the composer could not fill, which would reach the customer as written. */
export function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = SNIPPET_VARIABLES;
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => !known.includes(p.slice(1, -1))))];
}
