import type { ClockState } from '../../core/clock.js';
import type { Frame, Size } from '../../core/frame.js';
import { packHost, type HostSignals } from '../../gpu/prelude.js';
import { GpuSegment, type SegmentStats, type SegmentStep } from '../../gpu/segment.js';
import type { Stage } from './stage.js';

/** What a shader reads of the audio besides the clock: `fill` puts onset, low, mid, high and level in, once per frame; the spectrum's bins. */
export interface AudioSignals {
  fill(into: HostSignals): void;
  readonly spectrum: Float32Array;
}

export interface SegmentReport extends SegmentStats {
  stages: string[];
}

/**
 * A deck's chain as it runs: each CPU stage on its own, each run of consecutive GPU effects as one GPU
 * segment (one upload, one readback). Rebuilt when the chain changes or the device does.
 */
export class ChainRunner {
  private readonly steps: (Stage | GpuRun)[] = [];

  constructor(
    stages: readonly Stage[],
    private readonly size: Size,
    private readonly audio: AudioSignals,
  ) {
    for (const [i, stage] of stages.entries()) {
      const last = this.steps[this.steps.length - 1];
      if (i > 0 && stage.gpu) {
        if (last instanceof GpuRun) last.stages.push(stage);
        else this.steps.push(new GpuRun([stage], size, audio));
      } else this.steps.push(stage);
    }
  }

  run(clock: ClockState): Frame | null {
    return this.runSteps(this.steps.length, clock);
  }

  /** The device the chain's last GPU run can play on now, when the chain ends on the GPU; else null. */
  gpuEnd(): GPUDevice | null {
    const last = this.steps[this.steps.length - 1];
    return last instanceof GpuRun ? last.prepare() : null;
  }

  /** Plays the chain and leaves its end on the GPU (for the GPU mixer); call when gpuEnd() said a device. */
  runToGpu(clock: ClockState): { view: GPUTextureView; input: Frame } | null {
    const last = this.steps[this.steps.length - 1] as GpuRun;
    const input = this.runSteps(this.steps.length - 1, clock);
    const view = input ? last.encodeOnly(input, clock) : null;
    return view && input ? { view, input } : null;
  }

  private runSteps(count: number, clock: ClockState): Frame | null {
    let frame: Frame | null = null;
    for (let i = 0; i < count; i++) {
      const step = this.steps[i]!;
      if (step instanceof GpuRun) frame = step.run(frame, clock);
      else frame = i > 0 && step.controls.bypass ? frame : step.run(frame, clock, this.size);
    }
    return frame;
  }

  /** Resolves when every GPU readback in flight has come back (tests on the manual clock). */
  async settled(): Promise<void> {
    await Promise.all(this.steps.flatMap((s) => (s instanceof GpuRun ? [s.settled()] : [])));
  }

  segments(): SegmentReport[] {
    return this.steps.flatMap((s) => (s instanceof GpuRun ? s.report() : []));
  }

  dispose(): void {
    for (const s of this.steps) if (s instanceof GpuRun) s.dispose();
  }
}

/** Consecutive GPU effects of one chain. */
class GpuRun {
  private segment: GpuSegment | null = null;
  private device: GPUDevice | null = null;
  private readonly steps: SegmentStep[] = [];
  /** The device this frame's steps run on, as prepare() found it. */
  private prepared: GPUDevice | null = null;
  private readonly host = new Float32Array(16);
  private readonly signals: HostSignals = { time: 0, frame: 0, beat: 0, beatPhase: 0, bar: 0, barPhase: 0, bpm: 0, onset: 0, low: 0, mid: 0, high: 0, level: 0 };

  constructor(
    readonly stages: Stage[],
    private readonly size: Size,
    private readonly audio: AudioSignals,
  ) {}

  /** Gathers this frame's steps; the device they run on, or null when none can (all bypassed, no device). */
  prepare(): GPUDevice | null {
    this.steps.length = 0;
    let device: GPUDevice | null = null;
    for (const stage of this.stages) {
      if (stage.controls.bypass) continue;
      const handle = stage.gpu!;
      const d = handle.device;
      const step = d ? handle.step(stage.params) : null;
      // An effect not ready (its device lost, being rebuilt) is passed over: the rest of the chain plays.
      if (!step || (device && d !== device)) continue;
      device = d;
      this.steps.push(step);
    }
    this.prepared = this.steps.length ? device : null;
    return this.prepared;
  }

  run(input: Frame | null, clock: ClockState): Frame | null {
    if (!input) return null;
    const device = this.prepare();
    if (!device) return input;
    return this.segmentOn(device).run(input, this.steps, this.hostBlock(clock), this.audio.spectrum) ?? input;
  }

  /** The steps prepare() gathered this frame over `input`, the result left on the GPU (the mixer asked prepare() first). */
  encodeOnly(input: Frame, clock: ClockState): GPUTextureView | null {
    const device = this.prepared;
    if (!device) return null;
    return this.segmentOn(device).encodeOnly(input, this.steps, this.hostBlock(clock), this.audio.spectrum);
  }

  private hostBlock(clock: ClockState): Float32Array {
    return packHost(this.size.width, this.size.height, this.fill(clock), this.host);
  }

  async settled(): Promise<void> {
    await this.segment?.settled();
  }

  report(): SegmentReport {
    const stats = this.segment?.stats() ?? { uploads: 0, readbacks: 0, late: 0, uploadMs: 0, readbackMs: 0, gpuWaitMs: 0, latencyFrames: 0, effectNs: [] };
    const name = this.stages.length === 1 ? this.stages[0]!.path : `${this.stages[0]!.path}..${this.stages[this.stages.length - 1]!.path}`;
    let timed = 0;
    for (const stage of this.stages) {
      const ns = stage.controls.bypass ? undefined : stats.effectNs[timed++];
      stage.gpuStats = { segment: name, gpuMs: ns === undefined ? null : Math.round(ns / 1000) / 1000 };
    }
    return { ...stats, stages: this.stages.map((s) => s.path) };
  }

  dispose(): void {
    this.segment?.dispose();
    this.segment = null;
  }

  private segmentOn(device: GPUDevice): GpuSegment {
    if (!this.segment || this.device !== device) {
      this.segment?.dispose();
      this.segment = new GpuSegment(device, this.size.width, this.size.height);
      this.device = device;
    }
    return this.segment;
  }

  private fill(clock: ClockState): HostSignals {
    const s = this.signals;
    s.time = clock.time;
    s.frame = clock.frame;
    s.beat = clock.beat;
    s.beatPhase = clock.beatPhase;
    s.bar = clock.bar;
    s.barPhase = clock.barPhase;
    s.bpm = clock.bpm;
    this.audio.fill(s);
    return s;
  }
}
