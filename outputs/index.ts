import type { AnyOutputType } from './registry.js';
import { recordOutputType, rtmpOutputType } from './ffmpeg/index.js';
import { ndiOutputType } from './ndi/index.js';
import { shmOutputType } from './shm/index.js';

/** Every output type a show file can name. */
export const outputTypes: readonly AnyOutputType[] = [shmOutputType, ndiOutputType, rtmpOutputType, recordOutputType];

export function findOutputType(type: string): AnyOutputType | undefined {
  return outputTypes.find((t) => t.type === type);
}
