import fs from 'node:fs';
import { packagePath } from '../../core/dist-path.js';
import type { Frame, Size } from '../../core/frame.js';
import type { Log } from '../../core/log.js';
import { compileEffect } from '../../gpu/effect-program.js';
import { EffectRunner } from '../../gpu/effect-runner.js';
import { GpuSegment, type SegmentStats } from '../../gpu/segment.js';
import { UniformLayout } from '../../gpu/uniform-layout.js';
import { mixerParams, type MixerParams } from '../builtins/mixer.js';
import { parseShaderFile } from '../gpu/shader-file.js';

const MIXER_FILE = packagePath(import.meta.url, 'pipelines', 'gpu', 'mixer.wgsl');

/**
 * The A/B mixer on the GPU, for two decks whose chains both end on it: each deck's result stays on the
 * GPU, this mixes them and reads back once. Compiled on first use per device (off the frame it is first
 * asked on: until then, and if it cannot compile, the CPU mixes).
 */
export class GpuMixer {
  private device: GPUDevice | null = null;
  private runner: EffectRunner | null = null;
  private segment: GpuSegment | null = null;
  private compiling = false;
  private failed = false;
  private readonly layout = new UniformLayout(mixerParams);

  constructor(
    private readonly size: Size,
    private readonly log: Log,
  ) {}

  /** Ready on this device (else starts getting ready and says no). */
  readyOn(device: GPUDevice): boolean {
    if (this.device === device && this.runner) return true;
    if (!this.compiling && !this.failed) void this.build(device);
    return false;
  }

  /** The mix of `a` over `b` as the mixer's settings say; null until the first result is back. */
  run(a: GPUTextureView, b: GPUTextureView, mixer: MixerParams, stamp: { index: number; time: number }): Frame | null {
    return this.segment!.runOnViews(a, b, { runner: this.runner!, params: this.layout.pack(mixer) }, stamp);
  }

  settled(): Promise<void> {
    return this.segment?.settled() ?? Promise.resolve();
  }

  stats(): SegmentStats | null {
    return this.segment?.stats() ?? null;
  }

  dispose(): void {
    this.runner?.dispose();
    this.segment?.dispose();
    this.runner = null;
    this.segment = null;
    this.device = null;
  }

  private async build(device: GPUDevice): Promise<void> {
    this.compiling = true;
    try {
      const file = parseShaderFile('mixer', fs.readFileSync(MIXER_FILE, 'utf8'));
      const program = await compileEffect(device, { name: 'mixer.wgsl', code: file.code, passes: 1, layout: this.layout });
      this.dispose();
      this.runner = new EffectRunner(device, this.size.width, this.size.height, program);
      this.segment = new GpuSegment(device, this.size.width, this.size.height);
      this.device = device;
    } catch (error) {
      // The CPU mixes instead; said once.
      this.failed = true;
      this.log.error(`the GPU mixer did not start (${(error as Error).message}); the CPU mixes the decks`);
    } finally {
      this.compiling = false;
    }
  }
}
