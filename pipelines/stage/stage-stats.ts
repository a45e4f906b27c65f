import type { ExecutionMode, PipelineStatus } from '../contract.js';

export interface StageStats {
  path: string;
  pipeline: string;
  execution: ExecutionMode;
  /** Time spent on the frame loop for this stage, last frame and p99 (ms). */
  ms: number;
  p99Ms: number;
  /** Errors thrown (or contract violations) so far; the stage is bypassed for each. */
  errors: number;
  lastError: string | null;
  /** Decoupled only: results per second, time from launch to result, inputs superseded while busy. */
  rate?: number;
  latencyMs?: number;
  skippedInputs?: number;
  busy?: boolean;
  /** Pipelines with a lifecycle (models): loading, loaded, error, with what is loaded. */
  status?: PipelineStatus;
  /** Inline only: passed through for overrunning the frame budget, until it is tried again. */
  bypassed?: boolean;
  /** GPU effects: the segment it runs in (its first and last stage) and its own GPU time (null without timestamp queries). */
  gpu?: { segment: string; gpuMs: number | null };
}

export interface StageErrorReport {
  path: string;
  pipeline: string;
  message: string;
  /** How many times this stage has failed so far. */
  count: number;
}
