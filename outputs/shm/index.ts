import { Type } from '@sinclair/typebox';
import { commonOutputFields } from '../common-config.js';
import { defineOutputType } from '../registry.js';
import { ShmOutput } from './shm-output.js';

export const shmOutputType = defineOutputType({
  type: 'shm',
  description: 'Frames in a shared-memory file (/dev/shm/<name>) that other processes map; see docs/shm-format.md.',
  config: Type.Object(
    {
      ...commonOutputFields('shm'),
      name: Type.String({ default: 'vj-host', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$', description: 'File name in /dev/shm.' }),
      slots: Type.Integer({ default: 3, minimum: 1, maximum: 64, description: 'Ring size: how many recent frames a reader can find.' }),
    },
    { additionalProperties: false },
  ),
  create(config, ctx) {
    return new ShmOutput({ id: config.id, name: config.name, slots: config.slots, fps: ctx.fps, width: ctx.width, height: ctx.height, log: ctx.log });
  },
});

export { ShmOutput } from './shm-output.js';
export { ShmReader } from './shm-reader.js';
