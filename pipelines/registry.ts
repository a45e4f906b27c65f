import { ErrorCode, VjError } from '../core/errors.js';
import { describeParams, type ParamInfo } from '../core/params.js';
import { compileSchema, validate } from '../core/validation.js';
import { ExecutionModes, PipelineKinds, type AnyPipelineDefinition } from './contract.js';

export interface RegistryEntry {
  id: string;
  name: string;
  kind: AnyPipelineDefinition['kind'];
  description: string;
  execution: 'inline' | 'decoupled';
  /** "builtin", or the plugin file it came from. */
  origin: string;
  params: ParamInfo[];
  /** The text parameters with a list of values to offer (GET /api/pipelines/:id/choices/:param). */
  choices: string[];
  /** What it is filed under (a shader's categories). */
  categories: string[];
  /** Why it cannot run here now (a GPU effect without a GPU); absent when it can. */
  unavailable?: string;
}

export interface FailedPlugin {
  source: string;
  reason: string;
}

/** Every pipeline the host can run, built-in or plugin, each checked once when registered. */
export class PipelineRegistry {
  private readonly definitions = new Map<string, { definition: AnyPipelineDefinition; origin: string }>();
  readonly failed: FailedPlugin[] = [];

  register(definition: unknown, origin = 'builtin'): AnyPipelineDefinition {
    const checked = checkDefinition(definition);
    const existing = this.definitions.get(checked.id);
    if (existing) {
      throw new VjError(ErrorCode.PipelineDuplicate, `pipeline id "${checked.id}" is already registered by ${existing.origin}`);
    }
    this.definitions.set(checked.id, { definition: checked, origin });
    return checked;
  }

  /** A new version of a pipeline this origin registered (a shader plugin saved with other inputs). */
  replace(definition: AnyPipelineDefinition, origin: string): void {
    const checked = checkDefinition(definition);
    const existing = this.definitions.get(checked.id);
    if (existing && existing.origin !== origin) throw new VjError(ErrorCode.PipelineDuplicate, `pipeline id "${checked.id}" is already registered by ${existing.origin}`);
    this.definitions.set(checked.id, { definition: checked, origin });
  }

  get(id: string): AnyPipelineDefinition | undefined {
    return this.definitions.get(id)?.definition;
  }

  ids(): string[] {
    return [...this.definitions.keys()].sort();
  }

  list(): RegistryEntry[] {
    return [...this.definitions.values()]
      .map(({ definition, origin }) => ({
        id: definition.id,
        name: definition.name,
        kind: definition.kind,
        description: definition.description ?? '',
        execution: definition.execution ?? 'inline',
        origin,
        params: describeParams(definition.params),
        choices: Object.keys(definition.choices ?? {}),
        categories: definition.categories ?? [],
        ...unavailableOf(definition),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}

function unavailableOf(definition: AnyPipelineDefinition): { unavailable?: string } {
  const reason = definition.unavailable?.() ?? null;
  return reason ? { unavailable: reason } : {};
}

/** Checks everything a definition promises before it can be used, so a bad plugin fails at load, not at the first frame. */
export function checkDefinition(value: unknown): AnyPipelineDefinition {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) {
    throw new VjError(ErrorCode.PluginInvalid, 'the default export is not a pipeline definition object');
  }
  const d = value as Record<string, unknown>;
  if (typeof d.id !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(d.id)) {
    problems.push('id: must be 1-64 lowercase letters, digits, ".", "_" or "-"');
  }
  if (typeof d.name !== 'string' || !d.name) problems.push('name: must be a non-empty string');
  if (!PipelineKinds.includes(d.kind as never)) problems.push(`kind: must be one of ${PipelineKinds.join(', ')}`);
  if (d.execution !== undefined && !ExecutionModes.includes(d.execution as never)) {
    problems.push(`execution: must be one of ${ExecutionModes.join(', ')}`);
  }
  if (typeof d.create !== 'function') problems.push('create: must be a function');
  problems.push(...checkParamsSchema(d.params));
  // The deck puts its own `bypass` beside an effect's parameters, at the same address.
  if (d.kind === 'effect' && typeof d.params === 'object' && d.params !== null && 'bypass' in ((d.params as { properties?: object }).properties ?? {})) {
    problems.push('params.bypass: the name is the deck\'s own (every effect can be bypassed); call it something else');
  }
  problems.push(...checkChoices(d.choices, d.params));
  if (problems.length) {
    const label = typeof d.id === 'string' ? `pipeline "${d.id}"` : 'pipeline';
    throw new VjError(ErrorCode.PluginInvalid, `${label} is invalid: ${problems.join('; ')}`, problems);
  }
  return d as unknown as AnyPipelineDefinition;
}

/** A list of values belongs to a text parameter the pipeline declares, and is a function that lists them. */
function checkChoices(choices: unknown, schema: unknown): string[] {
  if (choices === undefined) return [];
  if (typeof choices !== 'object' || choices === null) return ['choices: must be an object of functions by parameter name'];
  const properties = ((schema as { properties?: Record<string, { type?: unknown }> } | null)?.properties) ?? {};
  return Object.entries(choices as Record<string, unknown>).flatMap(([name, list]) => [
    ...(properties[name]?.type === 'string' ? [] : [`choices.${name}: not a text parameter of this pipeline`]),
    ...(typeof list === 'function' ? [] : [`choices.${name}: must be a function that lists the values`]),
  ]);
}

function checkParamsSchema(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return ['params: must be an object schema'];
  const s = schema as { type?: unknown; properties?: unknown };
  if (s.type !== 'object' || typeof s.properties !== 'object' || s.properties === null) {
    return ['params: must be a JSON Schema with type "object" and properties'];
  }
  const problems: string[] = [];
  for (const [name, prop] of Object.entries(s.properties as Record<string, unknown>)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) problems.push(`params.${name}: name must be letters, digits or "_"`);
    if (typeof prop !== 'object' || prop === null || !('default' in prop)) problems.push(`params.${name}: needs a default`);
  }
  if (problems.length) return problems;
  try {
    compileSchema(schema);
  } catch (error) {
    return [`params: not a valid schema (${(error as Error).message})`];
  }
  const defaults = Object.fromEntries(describeParams(schema as never).map((p) => [p.name, p.default]));
  return validate(schema, defaults, 'params(defaults)');
}
