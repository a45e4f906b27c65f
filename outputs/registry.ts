import type { TObject } from '@sinclair/typebox';
import type { Log } from '../core/log.js';
import type { Output } from './contract.js';

export interface OutputContext {
  fps: number;
  width: number;
  height: number;
  log: Log;
}

/** One kind of output: its config schema (validated from the show file) and how to create it. */
export interface OutputType<S extends TObject = TObject> {
  type: string;
  description: string;
  config: S;
  create(config: S['static'] & { id: string }, ctx: OutputContext): Output;
}

export function defineOutputType<S extends TObject>(type: OutputType<S>): OutputType<S> {
  return type;
}

export type AnyOutputType = OutputType<TObject>;
