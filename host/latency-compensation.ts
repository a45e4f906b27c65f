import { Type } from '@sinclair/typebox';
import { defaultParams, Param } from '../core/params.js';
import { MAX_LANES, type Lookahead } from '../modulators/lookahead.js';
import type { ParamSpace } from '../params/param-space.js';
import type { Stage } from '../pipelines/stage/stage.js';

export const latencyParams = Type.Object(
  {
    compensation: Param.enum({
      options: ['auto', 'manual', 'off'] as const, default: 'auto', label: 'Latency compensation',
      description: 'Beat-locked modulation of the stages up to a model is evaluated ahead by the model\'s delay, so it reaches the output on the beat: auto follows the measured delay, manual uses the look-ahead below, off evaluates it now.',
    }),
    lookahead: Param.number({ default: 0, min: 0, max: 2, unit: 'seconds', label: 'Look-ahead (manual)', modulatable: false, description: 'The look-ahead in manual mode.' }),
  },
  { additionalProperties: false },
);

/** Stages (deck, from..to by index, source 0) whose parameters look ahead by the delay of the models from `to` on. */
interface Group {
  deck: string;
  from: number;
  to: number;
  /** The decoupled stages whose delays add up to this group's look-ahead. */
  delayed: Stage[];
}

/**
 * Latency compensation. A decoupled model's result reaches the output its delay after the frame that gave
 * it its input and parameters, so a beat-locked change of a parameter up to and including the model
 * would show that much after the beat. Those parameters read their signals from a look-ahead lane, as
 * the signals will be that much later: the change shows on the beat. One lane per group of stages that
 * share a delay (a deck with one model: its source up to the model); the delay is the sum of the smoothed
 * delays of the models from the group on, or the manual look-ahead.
 */
export class LatencyCompensation {
  private readonly values = defaultParams(latencyParams);
  private groups: Group[] = [];

  constructor(
    params: ParamSpace,
    private readonly lookahead: Lookahead,
    private readonly decks: () => readonly { id: string; stages: readonly Stage[] }[],
  ) {
    params.add('/latency', latencyParams, this.values);
    this.rebuild();
  }

  /** Reads the decks' chains again (after a chain changed). */
  rebuild(): void {
    const groups: Group[] = [];
    for (const deck of this.decks()) {
      const decoupled = deck.stages.map((s, i) => (s.execution === 'decoupled' ? i : -1)).filter((i) => i >= 0);
      let from = 0;
      decoupled.forEach((to, k) => {
        groups.push({ deck: deck.id, from, to, delayed: decoupled.slice(k).map((i) => deck.stages[i]!) });
        from = to + 1;
      });
    }
    this.groups = groups.slice(0, MAX_LANES);
  }

  /** The lane of a parameter (`/deck/<id>/source/…`, `/deck/<id>/fx/<n>/…`), or -1. */
  laneOf = (path: string): number => {
    const m = /^\/deck\/([^/]+)\/(?:source|fx\/(\d+))\//.exec(path);
    if (!m) return -1;
    const index = m[2] === undefined ? 0 : Number(m[2]) + 1;
    return this.groups.findIndex((g) => g.deck === m[1] && index >= g.from && index <= g.to);
  };

  /** How far ahead (seconds) a parameter plays now: its lane's look-ahead, 0 for none. */
  secondsAhead(path: string): number {
    const lane = this.laneOf(path);
    return lane >= 0 && lane < this.lookahead.count ? this.lookahead.delays[lane]! / 1000 : 0;
  }

  /** Sets this frame's look-ahead per lane (before the frame's modulation). */
  update(): void {
    const mode = this.values.compensation;
    const lanes = mode === 'off' ? 0 : this.groups.length;
    for (let l = 0; l < lanes; l++) {
      let ms = 0;
      if (mode === 'manual') ms = this.values.lookahead * 1000;
      else for (const stage of this.groups[l]!.delayed) ms += stage.delaySeconds() * 1000;
      this.lookahead.delays[l] = ms;
    }
    this.lookahead.count = lanes;
  }

  /** What each lane looks ahead by now (ms), for the stats. */
  report(): { mode: string; lanes: { deck: string; stages: string; ms: number }[] } {
    return {
      mode: this.values.compensation,
      lanes: this.groups.map((g, l) => ({ deck: g.deck, stages: `${g.from}..${g.to}`, ms: Math.round((l < this.lookahead.count ? this.lookahead.delays[l]! : 0) * 10) / 10 })),
    };
  }
}
