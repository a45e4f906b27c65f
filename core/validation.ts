import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { COLOR } from './limits.js';

/**
 * One JSON Schema validator for the whole host (the same engine fastify uses), so a show file,
 * a plugin's parameters and, later, HTTP bodies are checked and reported alike.
 */
const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true, coerceTypes: false, verbose: true, discriminator: true });
// Our schema metadata, carried for UI/address-space use; not validation keywords.
ajv.addVocabulary(['unit', 'label', 'live', 'modulatable', 'step', 'patternHint']);
// Drawing hints (core/params.ts UiHints), checked when a schema is compiled: a plugin's bad hint is a bad schema.
ajv.addKeyword({
  keyword: 'ui',
  metaSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      padWith: { type: 'string', maxLength: 100 },
      soft: { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } } },
      scale: { enum: ['linear', 'log'] },
    },
  },
});
ajv.addFormat('color', COLOR);
ajv.addFormat('date-time', { validate: (text: string) => !Number.isNaN(Date.parse(text)) && /^\d{4}-\d\d-\d\dT/.test(text) });

const cache = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: TSchema | object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/** Validates (filling defaults in place) and returns problems as `path.to.field: message` lines. */
export function validate(schema: TSchema | object, value: unknown, pathPrefix = ''): string[] {
  const fn = compileSchema(schema);
  if (fn(value)) return [];
  return formatErrors(fn.errors ?? [], pathPrefix);
}

/** A report names this many problems, then says how many more there were (a hostile body can carry 40,000). */
export const MAX_PROBLEMS = 20;

/** Distinct problem lines, the first MAX_PROBLEMS of them, then one line with the count of the rest. Linear in the errors. */
export function formatErrors(errors: readonly ErrorObject[], pathPrefix = ''): string[] {
  const seen = new Set<string>();
  let more = 0;
  for (const e of errors) {
    // A discriminated union names its tag's problem with the tag itself ("role: must be one of ...").
    if (e.keyword === 'discriminator') continue;
    // Past the cap the rest are counted, not worded: a hostile body's 20,000 problems cost no formatting.
    if (seen.size >= MAX_PROBLEMS) {
      more++;
      continue;
    }
    seen.add(formatError(e, pathPrefix));
  }
  return capProblems([...seen], more);
}

const MORE = /^… and (\d+) more problems?$/;

/** Caps a list of problems the same way; lists already capped (their "… and N more" lines) add their counts. */
export function capProblems(problems: readonly string[], alreadyLeftOut = 0): string[] {
  let more = alreadyLeftOut;
  const kept: string[] = [];
  for (const problem of problems) {
    const counted = MORE.exec(problem);
    if (counted) more += Number(counted[1]);
    else if (kept.length < MAX_PROBLEMS) kept.push(problem);
    else more++;
  }
  if (more > 0) kept.push(`… and ${more} more problem${more === 1 ? '' : 's'}`);
  return kept;
}

/** JSON nested deeper than this is refused before anything walks it (recursive code would overflow the stack). */
export const MAX_DEPTH = 64;

/** How deep a parsed JSON value nests, counted without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

function formatError(e: ErrorObject, pathPrefix: string): string {
  let path = joinPath(pathPrefix, pointerToPath(e.instancePath));
  let message = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      path = joinPath(path, name);
      message = 'is not a known field';
      break;
    }
    case 'required': {
      const name = String((e.params as { missingProperty: string }).missingProperty);
      path = joinPath(path, name);
      message = 'is required';
      break;
    }
    case 'pattern': {
      // A schema can say in words what its pattern wants ("rtmp://host/app/key"), instead of the regex.
      const hint = (e.parentSchema as { patternHint?: unknown } | undefined)?.patternHint;
      if (typeof hint === 'string') message = `must be ${hint}`;
      break;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    }
    default:
      break;
  }
  return `${path || '(root)'}: ${message}`;
}

/** "/decks/0/chain/1/params/zoom" -> "decks[0].chain[1].params.zoom" */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

export function joinPath(prefix: string, rest: string): string {
  if (!prefix) return rest;
  if (!rest) return prefix;
  return rest.startsWith('[') ? `${prefix}${rest}` : `${prefix}.${rest}`;
}
