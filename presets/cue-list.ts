import { Type, type Static } from '@sinclair/typebox';
import { TransitionSchema } from './preset.js';

export const CueSchema = Type.Object(
  {
    preset: Type.String({ minLength: 1 }),
    bank: Type.String({ default: 'default' }),
    transition: Type.Optional(Type.Partial(TransitionSchema)),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type Cue = Static<typeof CueSchema>;

/** An ordered list of presets with per-cue transitions: go (next), back (previous), jump. */
export class CueList {
  private position = -1;

  constructor(
    private cues: Cue[],
    private readonly fire: (cue: Cue, index: number) => void,
  ) {}

  get index(): number {
    return this.position;
  }

  list(): readonly Cue[] {
    return this.cues;
  }

  replace(cues: Cue[]): void {
    this.cues = cues;
    this.position = Math.min(this.position, cues.length - 1);
  }

  /** Puts the position back (crash recovery) without firing anything. */
  restore(index: number): void {
    if (Number.isInteger(index) && index >= -1 && index < this.cues.length) this.position = index;
  }

  /** Fires the next cue (the first, at the start); stays on the last one at the end. */
  go(): boolean {
    if (!this.cues.length) return false;
    return this.jump(Math.min(this.position + 1, this.cues.length - 1));
  }

  previous(): boolean {
    if (!this.cues.length) return false;
    return this.jump(Math.max(this.position - 1, 0));
  }

  jump(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.cues.length) return false;
    this.position = index;
    this.fire(this.cues[index]!, index);
    return true;
  }
}
