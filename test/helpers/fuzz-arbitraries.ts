// fast-check arbitraries for test/fuzz-api.test.ts: values that follow a route's JSON schema (so requests get past
// validation into the services) mixed, at every level, with what an attacker or a careless client sends instead.
import fc from 'fast-check';
import type { JsonSchema } from './openapi.js';

/** Strings that have broken servers: controls, NUL, bidi overrides, zero-width text, lone surrogates, injection, sizes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred',
  '\r\n',
  'line\r\nX-Injected: 1',
  '\u202Eevil\u202C',
  '\u2066isolate\u2069',
  '\u200B\u200B\u200B',
  '\uFEFF',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  'e\u0301',
  '😀'.repeat(300),
  'A'.repeat(5000),
  '%ZZ',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; drop table users; --",
  '" or 1=1 --',
  '__proto__',
  'constructor',
  'prototype',
  '${7*7}',
  '{{7*7}}',
  'NaN',
  'Infinity',
  '-1',
  '1e400',
  '9'.repeat(40),
  'me',
  'null',
  'true',
  '[]',
  '{}',
  ',,,,',
  'new,offered,,claimed',
];

/** Any code units at all, lone surrogates and C0 controls included. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const controlText = fc.string({
  unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 10,
});
const surrogateText = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 4,
});

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: controlText },
  { weight: 1, arbitrary: surrogateText },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)) },
);

/** A value of the wrong kind for wherever it lands. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}, [null], { __proto__: null }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

const stringFor = (schema: JsonSchema): fc.Arbitrary<string> => {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 60, 60));
  const edges = [schema.minLength, schema.maxLength]
    .filter((n): n is number => n !== undefined && n <= 20_000)
    .map((n) => 'a'.repeat(n));
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: max }) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/) },
    { weight: 1, arbitrary: edges.length ? fc.constantFrom(...edges) : fc.constant('') },
    { weight: 2, arbitrary: hostileString },
  );
};

/**
 * Values for a JSON schema (as the OpenAPI document gives it). Each level is, now and then, a wrong value instead:
 * a type the schema does not take, a hostile string, null.
 */
export function arbitraryFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return wrongValue;
  const wrong = (arbitrary: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 8, arbitrary }, { weight: 1, arbitrary: wrongValue });
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((variant) => arbitraryFor(variant, depth + 1)));
  if (schema.enum) return wrong(fc.constantFrom(...schema.enum));
  let value: fc.Arbitrary<unknown>;
  switch (schema.type) {
    case 'string':
      value = stringFor(schema);
      break;
    case 'integer':
      value = fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }),
        fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 2, 0.5),
      );
      break;
    case 'number':
      value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
      break;
    case 'boolean':
      value = fc.boolean();
      break;
    case 'array':
      value = fc.array(arbitraryFor(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
      break;
    case 'object': {
      const properties = schema.properties ?? {};
      const required = schema.required ?? [];
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, arbitraryFor(sub, depth + 1)])),
        {
          requiredKeys: required.filter((key) => key in properties),
        },
      );
      // Now and then a required key goes missing, or keys the schema does not know (prototype pollution among them) come along.
      value = fc
        .tuple(
          record,
          fc.dictionary(
            fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'role', 'id', 'extra'),
            wrongValue,
            { maxKeys: 2 },
          ),
          fc.nat(9),
        )
        .map(([known, extra, roll]) => {
          const body: Record<string, unknown> = { ...known };
          if (roll === 0 && required.length) delete body[required[roll % required.length]!];
          if (roll === 1)
            for (const [key, v] of Object.entries(extra))
              Object.defineProperty(body, key, { value: v, enumerable: true, writable: true, configurable: true });
          return body;
        });
      break;
    }
    default:
      value = wrongValue;
  }
  if (schema.nullable) value = fc.oneof(value, fc.constant(null));
  return depth === 0 ? value : wrong(value);
}

/** A request body: what the schema takes (mostly), or text that is not what it claims to be. */
export function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<{ payload: string; contentType?: string }> {
  const json = arbitraryFor(schema ?? { type: 'object', properties: {} }).map((value) => ({
    payload: JSON.stringify(value) ?? 'null',
  }));
  const raw = fc
    .oneof(
      fc.constantFrom(
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"isAdmin":true}}}',
        '{',
        '{"a":',
        '[1,2',
        'null',
        '""',
        '0',
        '[]',
        `{"text":"${'z'.repeat(70 * 1024)}"}`,
        '{"text":"\\ud800"}',
        '{"text":"a\\u0000b"}',
        '\u0000',
        '{"a":1}\u0000',
        '{"a":1,"a":2}',
      ),
      fc.json({ maxDepth: 3 }),
      hostileString,
    )
    .map((payload) => ({ payload }));
  const wrongType = fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        'application/xml',
        '',
      ),
      fc.oneof(fc.constant('a=1&b=2'), hostileString),
    )
    .map(([contentType, payload]) => ({ payload, contentType }));
  return fc.oneof({ weight: 6, arbitrary: json }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: wrongType });
}

/** encodeURIComponent, except that what it cannot encode (a lone surrogate) goes out as the raw bytes a client would send. */
export function encodePathPart(value: string, raw: boolean): string {
  if (raw) return value.replace(/[/?#\s]/g, (c) => encodeURIComponent(c));
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((c) => {
        try {
          return encodeURIComponent(c);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

/** Header values a client may send over HTTP/1.1 (Node's parser refuses other bytes before any route runs). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'x',
    '"}{"level":60',
    '../..',
    '%00',
    'a'.repeat(8000),
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    'hf_session=',
    'null',
  ),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
);
