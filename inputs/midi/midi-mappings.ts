import { Type, type Static } from '@sinclair/typebox';
import type { ActionSpace } from '../../params/actions.js';
import type { ParamSpace } from '../../params/param-space.js';

export const MidiMappingModes = ['toggle', 'momentary', 'select', 'trigger'] as const;

/**
 * A control mapped to something that is not a number to modulate: a boolean (toggle on each press,
 * or momentary while held), an enum (the control's position selects an option), an action (trigger).
 * Numbers are mapped as absolute modulation routes instead, so they combine with everything else.
 */
export const MidiMappingSchema = Type.Object(
  {
    source: Type.String({ pattern: '^midi:', description: 'A MIDI signal, e.g. "midi:Launchpad/ch1/note36".' }),
    target: Type.String({ pattern: '^/', description: 'A parameter or action path.' }),
    mode: Type.String({ enum: [...MidiMappingModes] }),
  },
  { additionalProperties: false },
);
export type MidiMapping = Static<typeof MidiMappingSchema>;

export class MidiMappings {
  private mappings: MidiMapping[] = [];
  private readonly held = new Map<string, boolean>();

  constructor(
    private readonly params: ParamSpace,
    private readonly actions: ActionSpace,
  ) {}

  list(): readonly MidiMapping[] {
    return this.mappings;
  }

  /** Checks a mapping against the address space; returns the problem, or null when it was added. */
  add(mapping: MidiMapping): string | null {
    const entry = this.params.entry(mapping.target);
    const isAction = this.actions.has(mapping.target);
    if (!entry && !isAction) return `${mapping.target}: no such parameter or action`;
    if (isAction && mapping.mode !== 'trigger') return `${mapping.target} is an action: use mode "trigger"`;
    if (entry && (mapping.mode === 'toggle' || mapping.mode === 'momentary') && entry.info.kind !== 'boolean') {
      return `${mapping.target} is not a boolean (a ${entry.info.kind})`;
    }
    if (entry && mapping.mode === 'select' && entry.info.kind !== 'enum') return `${mapping.target} is not a choice (a ${entry.info.kind})`;
    this.mappings = [...this.mappings.filter((m) => !(m.source === mapping.source && m.target === mapping.target)), mapping];
    return null;
  }

  remove(source: string, target: string): boolean {
    const before = this.mappings.length;
    this.mappings = this.mappings.filter((m) => !(m.source === source && m.target === target));
    return this.mappings.length !== before;
  }

  /** A control moved: `value` 0..1 (velocity or position). */
  handle(source: string, value: number, timeMs: number, origin: string): void {
    const pressed = value > 0.5 || (value > 0 && source.includes('/note'));
    const wasPressed = this.held.get(source) ?? false;
    this.held.set(source, pressed);
    for (const m of this.mappings) {
      if (m.source !== source) continue;
      switch (m.mode as (typeof MidiMappingModes)[number]) {
        case 'toggle':
          if (pressed && !wasPressed) this.params.set(m.target, !this.params.base(m.target), origin);
          break;
        case 'momentary':
          if (pressed !== wasPressed) this.params.set(m.target, pressed, origin);
          break;
        case 'select': {
          const options = this.params.entry(m.target)?.info.options ?? [];
          if (options.length) this.params.set(m.target, Math.min(options.length - 1, Math.floor(value * options.length)), origin);
          break;
        }
        case 'trigger':
          if (pressed && !wasPressed) this.actions.invoke(m.target, [], timeMs);
          break;
      }
    }
  }
}
