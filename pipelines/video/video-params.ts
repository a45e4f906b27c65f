import { Type } from '@sinclair/typebox';
import { Param } from '../../core/params.js';
import { LoopModes } from './playhead.js';

export const FitModes = ['fit', 'fill', 'stretch'] as const;
export type FitMode = (typeof FitModes)[number];

/** The `video` source's parameters, declared once: what plays, how it fits the show, how a clip is played. */
export const videoParams = Type.Object(
  {
    source: Type.String({
      default: '', maxLength: 1024, label: 'Source',
      description: 'A clip or picture in the media folder (its file name), a folder of pictures there (a slideshow), a camera (/dev/video0, or camera:<name> on macOS and Windows), or a stream URL (rtmp, rtmps, srt, rtsp, http, https, udp). Changing it switches live, crossfaded.',
    }),
    fit: Param.enum({ options: FitModes, default: 'fit', label: 'Fit', description: 'fit: the whole picture, bars where the shapes differ (transparent); fill: the show filled, edges cropped; stretch: both axes scaled.' }),
    whenLost: Param.enum({ options: ['hold', 'black'] as const, default: 'hold', label: 'When lost', description: 'A stream or camera that drops: hold its last frame, or show black, until it is back.' }),
    switchFade: Param.number({ default: 0.5, min: 0, max: 10, unit: 'seconds', label: 'Switch fade', modulatable: false, description: 'Crossfade from the old source to the new one when `source` changes.' }),
    playing: Param.boolean({ default: true, label: 'Play' }),
    speed: Param.number({ default: 1, min: 0, max: 4, unit: 'ratio', label: 'Speed', description: 'Clip frames per frame of its own rate.', ui: { soft: { min: 0, max: 2 } } }),
    reverse: Param.boolean({ default: false, label: 'Reverse' }),
    loop: Param.enum({ options: LoopModes, default: 'loop', label: 'Loop', description: 'At the out point: start again (loop), stop on the last frame (once), or turn round (ping-pong).' }),
    inPoint: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'In' }),
    outPoint: Param.number({ default: 1, min: 0, max: 1, unit: 'normalized', label: 'Out' }),
    position: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'Scrub', description: 'Moving it puts the playhead there (0..1 of the clip).' }),
    beatSync: Param.integer({ default: 0, min: 0, max: 64, unit: 'beats', label: 'Beat sync', modulatable: false, description: '0: the clip plays at its own rate; N: in..out lasts N beats of the clock, looping on the beat and following the tempo.' }),
    slideOn: Param.enum({ options: ['bar', 'beat', 'seconds', 'off'] as const, default: 'bar', label: 'Next slide', description: 'A folder of pictures as the source: the next one on each bar or beat of the clock, every `slideSeconds`, or only when scrubbed.' }),
    slideSeconds: Param.number({ default: 4, min: 0.1, max: 600, unit: 'seconds', label: 'Slide time', modulatable: false, ui: { scale: 'log' } }),
    slideFade: Param.number({ default: 0.5, min: 0, max: 10, unit: 'seconds', label: 'Slide fade', modulatable: false, description: 'Crossfade from one picture to the next.' }),
    retrigger: Param.enum({ options: ['off', 'beat', 'bar', 'cue'] as const, default: 'off', label: 'Retrigger', description: 'Start the clip again on every beat or bar, or on every cue fired (/cue/go); the /deck/<id>/retrigger action does it once.' }),
  },
  { additionalProperties: false },
);

export type VideoParams = typeof videoParams.static;
