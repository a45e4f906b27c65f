import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';

/**
 * One JSON Schema validator for the whole host (the same engine fastify uses), so a show file,
 * a plugin's parameters and, later, HTTP bodies are checked and reported alike.
 */
const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true, coerceTypes: false, verbose: true });
// Our schema metadata, carried for UI/address-space use; not validation keywords.
ajv.addVocabulary(['unit', 'label', 'live', 'modulatable', 'step', 'patternHint']);
ajv.addFormat('color', /^#[0-9a-fA-F]{6}$/);
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

export function formatErrors(errors: readonly ErrorObject[], pathPrefix = ''): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    const line = formatError(e, pathPrefix);
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
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
