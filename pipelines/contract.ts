import type { Static, TObject } from '@sinclair/typebox';
import type { ClockState } from '../core/clock.js';
import type { Frame } from '../core/frame.js';
import type { FramePool } from '../core/frame-pool.js';
import type { Log } from '../core/log.js';
import type { SegmentStep } from '../gpu/segment.js';

/**
 * source: brings frames from outside (test pattern, camera, NDI in); generator: synthesises frames;
 * both ignore their input. effect: transforms its input.
 */
export const PipelineKinds = ['source', 'generator', 'effect'] as const;
export type PipelineKind = (typeof PipelineKinds)[number];

/**
 * inline: runs on the frame loop and must return its frame synchronously (cheap effects).
 * decoupled: runs beside the frame loop (e.g. a model); it takes the newest input whenever it is free,
 * and the loop uses its newest result, so a slow stage lowers its own rate, never the output fps.
 */
export const ExecutionModes = ['inline', 'decoupled'] as const;
export type ExecutionMode = (typeof ExecutionModes)[number];

export interface PipelineContext {
  width: number;
  height: number;
  fps: number;
  pool: FramePool;
  log: Log;
  /** The host's clock (ms), injected: time-based work in a pipeline (a fade) follows the manual driver in tests. */
  now: () => number;
  /** Where clips and images are played from, and how they are decoded. */
  media: MediaOptions;
}

export interface MediaOptions {
  /** The folder clips and images are played from (a source names a file in it, never a path). */
  dir: string;
  /** Clips whose decoded frames fit in this many bytes are kept in memory; longer ones stream from disk. */
  clipCacheBytes: number;
  /** Ask ffmpeg for the machine's hardware decoder (it decodes in software where there is none). */
  hwDecode: boolean;
}

export interface PipelineInstance<P> {
  /**
   * Renders one frame. The returned frame belongs to the instance and stays valid until its next
   * `process` call; `input` is only valid during the call (decoupled stages receive their own copy).
   */
  process(input: Frame | null, params: P, clock: ClockState): Frame | Promise<Frame>;
  dispose(): void | Promise<void>;
  /** Optional: what a pipeline with a life of its own (a model loading, swapping) is doing now. */
  status?(): PipelineStatus;
  /**
   * Optional, for decoupled stages: asked on each tick while one run is in flight, whether the next input
   * should be handed over now because the run will end before the next tick can (a model whose next
   * inference then starts at once, its pixel work overlapping the run before). Saying yes means taking a
   * second `process` call before the first has settled: the first must not settle with a picture older
   * than the second's (settle in call order, or answer with the newer picture).
   */
  wantsNextInput?(): boolean;
  /** Optional: start over (a clip from its in point); the deck's /deck/<id>/retrigger action calls it. */
  retrigger?(): void;
  /** Optional: a cue of the show fired (a clip set to retrigger on cues starts over on the next frame). */
  cue?(): void;
  /**
   * A GPU effect: its passes run in the deck's GPU segment (one upload and one readback for a run of GPU
   * effects) instead of `process`, which the host does not call.
   */
  gpu?: GpuEffectHandle;
}

/** A GPU effect's part in a GPU segment. */
export interface GpuEffectHandle {
  /** The device the effect is built on now; null while it is not ready (the segment passes its input on). */
  readonly device: GPUDevice | null;
  /** This frame's step: the effect's GPU state and its parameters packed for the shader. */
  step(params: AnyParams): SegmentStep | null;
}

export const LifecycleStates = ['not-loaded', 'loading', 'loaded', 'error'] as const;
export type LifecycleState = (typeof LifecycleStates)[number];

export interface PipelineStatus {
  state: LifecycleState;
  /** What is loaded (a model file name), and what is being loaded in its place. */
  current?: string | null;
  next?: string | null;
  /** The last load error; the previous state keeps running. */
  error?: string | null;
  /** What else the pipeline reports about itself (a video source: its feed's state, decoded and dropped frames). */
  detail?: Record<string, unknown>;
}

/** A value a text parameter can take, as a list offers it. */
export interface ParamChoice {
  value: string;
  label: string;
}

export interface PipelineDefinition<S extends TObject = TObject> {
  /** Stable id used in show files: lowercase letters, digits, '-', '_', '.'. */
  id: string;
  name: string;
  kind: PipelineKind;
  description?: string;
  /** Every parameter, declared once; each needs a default. */
  params: S;
  execution?: ExecutionMode;
  /**
   * Decoupled pipelines may declare an enum parameter `betweenResults` ('hold' | 'crossfade'): with
   * 'crossfade' the stage fades each result into the next over the time the pipeline took between them,
   * instead of holding each until the next arrives.
   *
   * Decoupled pipelines may declare a number parameter `targetFps`: when above 0, the stage starts runs
   * no more often than that.
   *
   * Decoupled only: a run with no result after this long is abandoned (bypassed, reported) and the
   * pipeline is retried with backoff. Default 5000 ms.
   */
  stallTimeoutMs?: number;
  /**
   * Lists of the values a text parameter can take now (a model's files), by parameter name, for the
   * surface to offer; the parameter's own checks still decide what it accepts. Read off the frame loop.
   */
  choices?: Record<string, () => Promise<ParamChoice[]>>;
  /** Why the pipeline cannot run on this machine now (a GPU effect without a GPU), or null; listed with it. */
  unavailable?(): string | null;
  /** What the pipeline is filed under in a browser of effects (a shader's categories). */
  categories?: string[];
  create(ctx: PipelineContext): PipelineInstance<Static<S>> | Promise<PipelineInstance<Static<S>>>;
}

/** Identity helper that keeps a definition's parameter type flowing into `create`. */
export function definePipeline<S extends TObject>(definition: PipelineDefinition<S>): PipelineDefinition<S> {
  return definition;
}

/** What registries hold: the parameter type erased (method parameters are bivariant, so any definition fits). */
export type AnyPipelineDefinition = PipelineDefinition<TObject>;
export type AnyParams = Record<string, unknown>;
