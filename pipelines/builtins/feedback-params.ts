import { Param } from '../../core/params.js';

export const feedbackParams = Param.object({
  zoom: Param.number({ default: 1, min: 0.25, max: 4, unit: 'ratio', label: 'Zoom', description: 'Scale applied to the fed-back image each frame (>1 zooms in).', ui: { scale: 'log' } }),
  rotation: Param.number({ default: 0, min: -180, max: 180, unit: 'degrees', label: 'Rotation', description: 'Degrees per frame.', ui: { soft: { min: -10, max: 10 } } }),
  translateX: Param.number({ default: 0, min: -1000, max: 1000, unit: 'pixels', label: 'Translate X', description: 'Pixels per frame.', ui: { padWith: 'translateY', soft: { min: -40, max: 40 } } }),
  translateY: Param.number({ default: 0, min: -1000, max: 1000, unit: 'pixels', label: 'Translate Y', description: 'Pixels per frame.', ui: { soft: { min: -40, max: 40 } } }),
  centerX: Param.number({ default: 0.5, min: 0, max: 1, unit: 'normalized', label: 'Centre X', ui: { padWith: 'centerY' } }),
  centerY: Param.number({ default: 0.5, min: 0, max: 1, unit: 'normalized', label: 'Centre Y' }),
  decay: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'Decay', description: 'How much the fed-back image fades to black each frame.' }),
  hueShift: Param.number({ default: 0, min: -360, max: 360, unit: 'degrees', label: 'Hue shift', description: 'Degrees per frame.', ui: { soft: { min: -30, max: 30 } } }),
  mix: Param.number({ default: 0.5, min: 0, max: 1, unit: 'normalized', label: 'Mix', description: 'How much of the fed-back image shows over the input.' }),
  key: Param.enum({
    options: ['none', 'alpha', 'luma'] as const, default: 'none', label: 'Key',
    description: 'Where feedback shows: everywhere (none), through transparent input (alpha), through dark input (luma).',
  }),
});

export type FeedbackParams = typeof feedbackParams.static;
