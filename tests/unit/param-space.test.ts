import { describe, expect, it } from 'vitest';
import { describeParams, Param } from '../../core/params.js';
import { compileSchema } from '../../core/validation.js';
import { coerce, ParamSpace } from '../../params/param-space.js';
import { feedbackParams } from '../../pipelines/builtins/feedback.js';
import { solid } from '../../pipelines/builtins/solid.js';
import { testPattern } from '../../pipelines/builtins/test-pattern.js';

const info = (schema: Parameters<typeof describeParams>[0], name: string) => describeParams(schema).find((p) => p.name === name)!;

describe('parameter address space', () => {
  it('coerces outside values into the parameter’s own type and range', () => {
    const zoom = info(feedbackParams, 'zoom');
    expect(coerce(zoom, 2)).toEqual({ ok: true, value: 2, clamped: false });
    expect(coerce(zoom, 100)).toEqual({ ok: true, value: 4, clamped: true });
    expect(coerce(zoom, -1)).toEqual({ ok: true, value: 0.25, clamped: true });
    for (const bad of [Number.NaN, Infinity, '2', null, undefined, {}, [1]]) {
      expect(coerce(zoom, bad)).toMatchObject({ ok: false });
    }
    const key = info(feedbackParams, 'key');
    expect(coerce(key, 'luma')).toMatchObject({ ok: true, value: 'luma' });
    expect(coerce(key, 1)).toMatchObject({ ok: true, value: 'alpha' });
    expect(coerce(key, 3)).toMatchObject({ ok: false, message: expect.stringContaining('none, alpha, luma') as string });
    const disc = info(testPattern.params, 'disc');
    expect(coerce(disc, 0)).toMatchObject({ ok: true, value: false });
    expect(coerce(disc, true)).toMatchObject({ ok: true, value: true });
    expect(coerce(disc, 0.5)).toMatchObject({ ok: false });
    const color = info(solid.params, 'color');
    expect(coerce(color, '#FF0080')).toMatchObject({ ok: true, value: '#ff0080' });
    expect(coerce(color, 'red')).toMatchObject({ ok: false });
  });

  it('holds changes until the frame boundary, the latest value winning', () => {
    const space = new ParamSpace();
    const values: Record<string, unknown> = { zoom: 1, rotation: 0 };
    space.add('/deck/a/fx/0', feedbackParams, values);
    expect(space.has('/deck/a/fx/0/zoom')).toBe(true);
    for (let i = 0; i < 1000; i++) space.set('/deck/a/fx/0/zoom', 1 + i / 1000);
    expect(values.zoom).toBe(1);
    expect(space.applyPending()).toBe(1);
    expect(values.zoom).toBe(1.999);
    expect(space.applyPending()).toBe(0);
    space.removePrefix('/deck/a/fx/0');
    expect(space.set('/deck/a/fx/0/zoom', 2)).toMatchObject({ ok: false, code: 'VJ_PARAM_UNKNOWN' });
  });

  it('carries drawing hints from the schema, and refuses a schema whose hint is bad', () => {
    expect(info(feedbackParams, 'translateX').ui).toEqual({ padWith: 'translateY', soft: { min: -40, max: 40 } });
    expect(info(feedbackParams, 'zoom').ui).toEqual({ scale: 'log' });
    expect(() => compileSchema(Param.object({ x: Param.number({ default: 0, min: 0, max: 1, ui: { scale: 'cubic' as 'log' } }) }))).toThrow(/ui/);
    expect(() => compileSchema(Param.object({ x: Param.number({ default: 0, min: 0, max: 1, ui: { soft: { min: 0 } as { min: number; max: number } } }) }))).toThrow(/ui|max/);
  });
});
