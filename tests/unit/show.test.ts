import { describe, expect, it } from 'vitest';
import { defaultShow } from '../../host/default-show.js';
import { checkShow, ShowError } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { registerShippedModels } from '../../pipelines/onnx/register-models.js';
import { PipelineRegistry } from '../../pipelines/registry.js';

const registry = new PipelineRegistry();
registerBuiltins(registry);

function problems(show: unknown): string[] {
  try {
    checkShow(show, registry);
  } catch (error) {
    if (error instanceof ShowError) return [...error.problems];
    throw error;
  }
  return [];
}

const deck = (chain: unknown[] = []) => ({ id: 'a', source: { pipeline: 'test-pattern', params: {} }, chain });

describe('show file checks', () => {
  it('accepts the embedded default show (with the model that ships with the host) and fills defaults', () => {
    const withModels = new PipelineRegistry();
    registerBuiltins(withModels);
    expect(registerShippedModels(withModels)).toContain('style-candy');
    const show = checkShow(defaultShow, withModels);
    expect(show.frameSize).toEqual({ width: 1280, height: 720 });
    expect(show.decks[0]!.chain[0]!.params).toMatchObject({ zoom: 1.02, centerX: 0.5, translateX: 0 });
    expect(show.outputs[0]).toMatchObject({ type: 'shm', name: 'vj-host', slots: 3 });
    expect(show.decks[1]!.chain[0]).toMatchObject({ pipeline: 'style-candy', params: { targetFps: 4, betweenResults: 'crossfade' } });
    expect(checkShow({ decks: [deck()] }, registry)).toMatchObject({ fps: 30, size: '1280x720', bpm: 120 });
  });

  it('names the bad field and why', () => {
    const show = { decks: [deck([{ pipeline: 'feedback', params: {} }, { pipeline: 'feedback', params: { zoom: 9 } }])] };
    expect(problems(show)).toEqual(['decks[0].chain[1].params.zoom: must be <= 4']);
  });

  it.each([
    ['unknown pipeline', { decks: [deck([{ pipeline: 'blur9000' }])] }, /^decks\[0\]\.chain\[0\]\.pipeline: unknown pipeline "blur9000" \(known: feedback, gradient, ndi-input, solid, test-pattern, video\)$/],
    ['effect used as a source', { decks: [{ id: 'a', source: { pipeline: 'feedback' } }] }, /^decks\[0\]\.source\.pipeline: "feedback" is of kind effect; expected source or generator$/],
    ['wrong type', { fps: 'fast', decks: [deck()] }, /^fps: must be number$/],
    ['wrong param type', { decks: [deck([{ pipeline: 'feedback', params: { key: 3 } }])] }, /^decks\[0\]\.chain\[0\]\.params\.key: must be string$/],
    ['unknown param', { decks: [deck([{ pipeline: 'feedback', params: { zooom: 2 } }])] }, /^decks\[0\]\.chain\[0\]\.params\.zooom: is not a known field$/],
    ['unknown top-level field', { decks: [deck()], colour: 'red' }, /^colour: is not a known field$/],
    ['missing decks', {}, /^decks: is required$/],
    ['bad enum', { decks: [deck()], mixer: { mode: 'overlay' } }, /^mixer\.mode: must be one of "crossfade", "add", "multiply", "screen", "alpha"$/],
    ['bad size', { decks: [deck()], size: 'big' }, /^size: must match pattern/],
    ['unknown output type', { decks: [deck()], outputs: [{ type: 'vhs' }] }, /^outputs\[0\]\.type: must be one of "shm", "ndi", "rtmp", "record"$/],
    ['stream URL with the wrong scheme', { decks: [deck()], outputs: [{ type: 'rtmp', url: 'http://example.com/live/key' }] }, /^outputs\[0\]\.url: must be an rtmp:\/\/ or rtmps:\/\/ URL/],
    ['output fed from a deck that does not exist', { decks: [deck()], outputs: [{ type: 'ndi', feed: 'b' }] }, /^outputs\[0\]\.feed: no deck "b" \(decks: a; or "main"\)$/],
    ['unknown record container', { decks: [deck()], outputs: [{ type: 'record', container: 'avi' }] }, /^outputs\[0\]\.container: must be one of "mp4", "mkv"$/],
    ['bad output field', { decks: [deck()], outputs: [{ type: 'shm', slots: 0 }] }, /^outputs\[0\]\.slots: must be >= 1$/],
    ['duplicate deck ids', { decks: [deck(), deck()] }, /^decks\[1\]\.id: "a" is used by another deck$/],
    ['duplicate output ids', { decks: [deck()], outputs: [{ type: 'shm', id: 'x' }, { type: 'shm', id: 'x', name: 'y' }] }, /^outputs\[1\]\.id: "x" is used by another output$/],
    ['NaN-like values', { decks: [deck([{ pipeline: 'feedback', params: { zoom: null } }])] }, /^decks\[0\]\.chain\[0\]\.params\.zoom: must be number$/],
  ])('%s', (_name, show, expected) => {
    const found = problems(show);
    expect(found.some((p) => expected.test(p)), found.join('\n')).toBe(true);
  });

  it('does not modify the document it is given', () => {
    const input = { decks: [deck([{ pipeline: 'feedback', params: { zoom: 2 } }])] };
    const copy = structuredClone(input);
    checkShow(input, registry);
    expect(input).toEqual(copy);
  });
});
