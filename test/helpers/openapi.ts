// The app's own OpenAPI document (/docs/json) read as a list of operations, so tests that sweep "every route" cover a
// route added tomorrow without being told. Plus the most expensive legal value of each query parameter.
import type { App } from '../../server/app.js';
import { MAX_PERIOD_DAYS, PERIOD_YEARS } from '../../server/domain/period.js';

export interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema: JsonSchema;
}
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

export async function operations(app: App): Promise<Operation[]> {
  const doc = (await app.inject({ url: '/docs/json' })).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>
    >;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase() as Operation['method'],
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** `/api/questions/{id}` with its path parameters filled in. */
export function fillPath(path: string, values: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values(name)));
}

const isDate = (schema: JsonSchema): boolean =>
  schema.format === 'date-time' || schema.format === 'date' || (schema.anyOf ?? schema.oneOf ?? []).some(isDate);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The values of a query parameter that cost the most while staying inside its schema: the extremes of a date (the
 * first and last years a period may name, and the longest period served, ending now), an integer's maximum, every
 * value of an enum, a string of its full length (digits, which read as a huge number, and a comma list, which
 * splits into many). `undefined` (left out) is a candidate wherever the parameter is optional: a default can cost
 * more than any value sent.
 */
export function expensiveValues(parameter: Parameter, now: number): (string | undefined)[] {
  const { schema } = parameter;
  const optional = parameter.required ? [] : [undefined];
  if (isDate(schema)) {
    return [
      ...optional,
      `${PERIOD_YEARS.first}-01-01`,
      `${PERIOD_YEARS.last}-12-31`,
      day(now - MAX_PERIOD_DAYS * 24 * 3600_000),
      new Date(now).toISOString(),
    ];
  }
  if (schema.enum) return [...optional, ...schema.enum.map(String)];
  if (schema.type === 'integer' || schema.type === 'number') return [String(schema.maximum ?? Number.MAX_SAFE_INTEGER)];
  if (schema.type === 'boolean') return ['true', 'false'];
  const length = schema.maxLength ?? 1000;
  return [...optional, '9'.repeat(length), 'a,'.repeat(length).slice(0, length)];
}

/** Every combination of the query parameters' expensive values, as query strings (at most `cap`, spread evenly). */
export function expensiveQueries(operation: Operation, now: number, cap = 512): string[] {
  const query = operation.parameters.filter((p) => p.in === 'query');
  let combos: Record<string, string | undefined>[] = [{}];
  for (const parameter of query) {
    combos = combos.flatMap((combo) =>
      expensiveValues(parameter, now).map((value) => ({ ...combo, [parameter.name]: value })),
    );
  }
  const step = Math.max(1, Math.ceil(combos.length / cap));
  return combos
    .filter((_, i) => i % step === 0)
    .map((combo) => {
      const entries = Object.entries(combo).filter((entry): entry is [string, string] => entry[1] !== undefined);
      return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
    });
}
