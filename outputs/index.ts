import type { AnyOutputType } from './registry.js';
import { shmOutputType } from './shm/index.js';

/** Every output type a show file can name. */
export const outputTypes: readonly AnyOutputType[] = [shmOutputType];

export function findOutputType(type: string): AnyOutputType | undefined {
  return outputTypes.find((t) => t.type === type);
}
