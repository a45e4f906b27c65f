import { Type } from '@sinclair/typebox';
import { initialClockState, refreshBeat, Tempo, updateClockState, type ClockState } from '../core/clock.js';
import type { TickInfo } from '../core/driver.js';
import { defaultParams, Param } from '../core/params.js';
import { BPM_MAX, BPM_MIN } from '../core/limits.js';
import type { ActionSpace } from '../params/actions.js';
import type { ParamSpace } from '../params/param-space.js';
import type { TapTempo } from '../modulators/tap-tempo.js';

export const clockParams = Type.Object(
  {
    bpm: Param.number({ default: 120, min: BPM_MIN, max: BPM_MAX, unit: 'bpm', label: 'BPM' }),
    source: Param.enum({
      options: ['internal', 'midi', 'audio'] as const, default: 'internal', label: 'Clock source',
      description: 'Who sets the tempo: the host (BPM, tap), incoming MIDI clock, or the audio beat tracker.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The show's clock: /clock parameters and actions (tap, resync, beat, nudge), and the clock state every
 * frame is rendered at. A tap or a resync lands on the frame being rendered.
 */
export class ClockControl {
  readonly tempo: Tempo;
  readonly state: ClockState;
  private readonly values = defaultParams(clockParams);
  /** Set by a tap: the frame being rendered lands on the nearest beat. */
  private alignOnBeat = false;
  /** Set by /clock/resync (or MIDI start): the frame being rendered becomes a downbeat. */
  private resyncOnFrame = false;

  constructor(
    bpm: number,
    private readonly fps: number,
    params: ParamSpace,
    actions: ActionSpace,
    tapTempo: TapTempo,
  ) {
    this.tempo = new Tempo(bpm);
    this.values.bpm = this.tempo.bpm;
    this.state = initialClockState(fps);
    params.add('/clock', clockParams, this.values);
    actions.register('/clock/tap', { description: 'Tap tempo: tap on the beat; two taps set the BPM (median of the last eight).' }, (_args, timeMs) => {
      const tapped = tapTempo.tap(timeMs);
      if (tapped === null) return;
      params.set('/clock/bpm', tapped, 'tap');
      this.alignOnBeat = true;
    });
    actions.register('/clock/resync', { description: 'Makes this frame a downbeat.' }, () => {
      this.resyncOnFrame = true;
    });
    actions.register('/clock/beat', { description: 'A beat just happened (an external tempo source): this frame lands on the nearest beat.' }, () => {
      this.alignOnBeat = true;
    });
    actions.register(
      '/clock/nudge',
      { description: 'Shifts the beat by the given number of beats (e.g. 0.05 or -0.05).', args: [{ name: 'beats', kind: 'number', min: -16, max: 16 }] },
      (args) => this.tempo.nudge(args[0] as number),
    );
  }

  /** Moves the clock to this tick (after parameter changes were applied, so a new BPM lands in this frame). */
  update(info: TickInfo): void {
    this.tempo.bpm = this.values.bpm;
    updateClockState(this.state, info.frame, info.scheduledMs / 1000, this.fps, this.tempo);
    if (!this.alignOnBeat && !this.resyncOnFrame) return;
    if (this.resyncOnFrame) this.tempo.resync();
    else this.tempo.alignToNearestBeat();
    this.alignOnBeat = this.resyncOnFrame = false;
    refreshBeat(this.state, this.tempo);
  }
}
