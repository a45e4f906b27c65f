import { Type } from '@sinclair/typebox';
import { commonOutputFields } from '../common-config.js';
import { defineOutputType } from '../registry.js';
import { NdiOutput } from './ndi-output.js';

export const ndiOutputType = defineOutputType({
  type: 'ndi',
  description: 'An NDI source on the network (TouchDesigner, Resolume, OBS, vMix pick it up).',
  config: Type.Object(
    {
      ...commonOutputFields('ndi'),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Source name; default "vj-host (<feed>)".' })),
      alpha: Type.Boolean({ default: false, description: 'Send the alpha channel (receivers that key need it; costs bandwidth).' }),
      groups: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null, description: 'NDI groups to publish in (comma-separated); null: the default group.' }),
    },
    { additionalProperties: false },
  ),
  create(config, ctx) {
    return new NdiOutput({
      id: config.id,
      name: config.name ?? `vj-host (${config.feed})`,
      fps: ctx.fps,
      alpha: config.alpha,
      groups: config.groups,
      log: ctx.log,
    });
  },
});

export { NdiOutput } from './ndi-output.js';
