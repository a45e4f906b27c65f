import type { PipelineRegistry } from '../registry.js';
import { feedback } from './feedback.js';
import { gradient } from './gradient.js';
import { solid } from './solid.js';
import { ndiInput } from './ndi-input.js';
import { testPattern } from './test-pattern.js';
import { videoSource } from '../video/video-source.js';

export const builtinPipelines = [testPattern, solid, gradient, feedback, ndiInput, videoSource];

export function registerBuiltins(registry: PipelineRegistry): void {
  for (const definition of builtinPipelines) registry.register(definition, 'builtin');
}
