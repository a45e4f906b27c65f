import type { StageStats } from '../pipelines/stage/stage-stats.js';
import type { OutputStats } from '../outputs/output-stats.js';

/** What the running show reports about itself (GET /api/stats, the socket's stats, the status line). Types only: the control surface's page reads it too. */
export interface EngineStats {
  running: boolean;
  fps: number;
  targetFps: number;
  width: number;
  height: number;
  frames: number;
  /** Ticks the loop skipped because it fell behind (each one a frame the outputs never got). */
  droppedFrames: number;
  frameMs: { last: number; p50: number; p99: number };
  clock: { bpm: number; beat: number; bar: number };
  stages: StageStats[];
  outputs: OutputStats[];
  /** Buffers ever allocated by the frame pool: flat in steady state. */
  poolAllocated: number;
  modulation: { routes: number; signals: number };
  /** Stats of the host's other parts (OSC, OSCQuery, ...), by name. */
  sections: Record<string, unknown>;
}
