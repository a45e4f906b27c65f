import { signal, useSignal } from '@preact/signals';
import type { ParamView } from '../../protocol';
import { api, setParams } from './connection';
import { useDismiss, useLongPress } from './gestures';
import { ValueLine } from './value-entry';
import { ListedChoice } from './listed-choice';
import { paramList, params, refreshRoutes, refreshRoutesSoon, routes, setLocal, signalNames } from './state';
import { Mapped, useLearnConfirmation, type Learning } from './mapped';

/** The range a surface plays: the schema's soft range where it declares one, else the whole range. */
function playRange(p: ParamView): { min: number; max: number } {
  return p.ui?.soft ?? { min: p.min ?? 0, max: p.max ?? 1 };
}

/** The position of a value in the played range, 0..1. */
function position(p: ParamView, v: unknown): number {
  const { min, max } = playRange(p);
  if (typeof v !== 'number' || max === min) return 0;
  return Math.min(1, Math.max(0, (v - min) / (max - min)));
}

/**
 * A fader's travel as the schema asks: in the parameter's units over its played range, or, for a log
 * fader, in powers of two (zoom 0.25..4 runs -2..2, so the middle is 1 and each step the same ratio).
 */
function faderScale(p: ParamView): { min: number; max: number; step: number | 'any'; toInput: (v: number) => number; fromInput: (x: number) => number } {
  const { min, max } = playRange(p);
  if (p.ui?.scale === 'log' && min > 0) return { min: Math.log2(min), max: Math.log2(max), step: 'any', toInput: Math.log2, fromInput: (x) => 2 ** x };
  return { min, max, step: p.step ?? (p.kind === 'integer' ? 1 : 'any'), toInput: (v) => v, fromInput: (x) => x };
}

function change(path: string, value: unknown): void {
  setLocal(path, value);
  setParams({ [path]: value });
  // A control held by a knob or tablet hands the value to this surface: say so without waiting for the poll.
  if (routes.value.some((r) => r.target === path && r.holding)) refreshRoutesSoon();
}

/** The one control whose menu is open (a second one closes the first). */
const openMenu = signal<string | null>(null);
/**
 * One parameter, its control chosen by its kind (fader, toggle, choice, colour, text); a second marker
 * shows the modulated value apart from the base. Right-click or a still long press opens: MIDI learn,
 * the OSC address, a modulation route, reset (asked first). Escape or a tap outside closes it.
 */
export function Control({ path, listed }: { path: string; /** The pipeline that lists this text parameter's values. */ listed?: string }) {
  // Read the list too: a control drawn before the host's list arrived (the mixer's) appears with it.
  void paramList.value;
  const p = params.get(path)?.value;
  const note = useSignal<string | null>(null);
  const learning = useSignal<Learning | null>(null);
  const hold = useLongPress(() => (openMenu.value = path));
  useLearnConfirmation(path, learning.value, (n) => {
    note.value = n;
    learning.value = null;
  });
  if (!p) return null;
  if (p.control === 'xy') return <VectorPad p={p} />;
  const open = (e: Event) => {
    e.preventDefault();
    // A touch's own long press is ours (still holds only); the browser's context menu is the mouse's.
    if ((e as PointerEvent).pointerType !== 'touch') openMenu.value = path;
  };
  const menu = openMenu.value === path;
  const input = (() => {
    switch (p.control) {
      case 'fader': {
        const scale = faderScale(p);
        return (
          <div class="fader">
            <input type="range" data-path={path} aria-label={p.label} aria-valuetext={valueText(p)} min={scale.min} max={scale.max} step={scale.step} value={scale.toInput(Number(p.base))} onInput={(e) => change(path, scale.fromInput(Number((e.target as HTMLInputElement).value)))} />
            {p.modulated && <div class="modulation" data-modulated={path} style={{ left: `${position(p, p.value) * 100}%` }} />}
          </div>
        );
      }
      case 'toggle':
        return <button type="button" class={p.base ? 'toggle on' : 'toggle'} data-path={path} aria-pressed={Boolean(p.base)} aria-label={`${p.label} ${p.base ? 'on' : 'off'}`} onClick={() => change(path, !p.base)}>{p.base ? 'on' : 'off'}</button>;
      case 'choice':
        return (
          <select data-path={path} aria-label={p.label} value={String(p.base)} onChange={(e) => change(path, (e.target as HTMLSelectElement).value)}>
            {(p.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        );
      case 'colour':
        return <input type="color" data-path={path} aria-label={p.label} value={String(p.base)} onInput={(e) => change(path, (e.target as HTMLInputElement).value)} />;
      case 'text': {
        const text = typeof p.base === 'string' ? p.base : '';
        if (listed) return <ListedChoice path={path} label={p.label} pipeline={listed} value={text} set={(v) => change(path, v)} />;
        return <input type="text" data-path={path} aria-label={p.label} value={text} onChange={(e) => change(path, (e.target as HTMLInputElement).value)} />;
      }
    }
  })();
  return (
    <div class={menu ? 'control menu-open' : 'control'} title={p.description} data-control={path} onContextMenu={open} {...hold}>
      <ValueLine p={p} text={valueText(p)} set={(v) => change(path, v)} />
      {input}
      <Mapped path={path} />
      {note.value && <div class="note" role="status">{note.value}</div>}
      {menu && <ControlMenu p={p} close={() => (openMenu.value = null)} note={(n) => (note.value = n)} learn={(l) => (learning.value = l)} />}
    </div>
  );
}

function valueText(p: ParamView): string {
  const shown = typeof p.value === 'number' ? (Math.round(p.value * 1000) / 1000).toString() : String(p.value);
  return `${shown}${p.unit && p.unit !== 'normalized' ? ` ${p.unit}` : ''}`;
}

function ControlMenu({ p, close, note, learn }: { p: ParamView; close: () => void; note: (n: string) => void; learn: (l: Learning) => void }) {
  const source = useSignal(signalNames.value.find((s) => s === 'lfo1:out') ?? signalNames.value[0] ?? 'lfo1:out');
  const confirmReset = useSignal(false);
  const ref = useDismiss(close);
  const run = async (what: () => Promise<string>) => {
    note(await what());
    close();
  };
  return (
    <div class="menu" role="dialog" aria-label={`${p.label}: learn, address, modulation, reset`} ref={ref} onClick={(e) => e.stopPropagation()}>
      <button type="button" class="close" onClick={close}>Close</button>
      <button type="button" onClick={() => void run(async () => {
        const before = routes.value.map((x) => x.id);
        const r = await api<{ hint: string }>('POST', '/learn/midi', { path: p.path });
        if (r.ok) learn({ kind: 'MIDI', before });
        return r.ok ? `${r.body.hint}…` : (r.body.message ?? 'MIDI learn is not available');
      })}>MIDI learn</button>
      <button type="button" onClick={() => void run(async () => {
        const before = routes.value.map((x) => x.id);
        const r = await api<{ hint: string }>('POST', '/learn/osc', { path: p.path });
        if (r.ok) learn({ kind: 'OSC', before });
        return r.ok ? `${r.body.hint}…` : (r.body.message ?? 'OSC learn is not available');
      })}>OSC learn</button>
      <button type="button" onClick={() => void run(async () => {
        await navigator.clipboard?.writeText(p.path).catch(() => {});
        return `OSC ${p.path}`;
      })}>Copy OSC address</button>
      {p.modulatable && (
        <div class="route-add">
          <select aria-label="Modulation source" value={source.value} onChange={(e) => (source.value = (e.target as HTMLSelectElement).value)}>
            {signalNames.value.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
          <button type="button" onClick={() => void run(async () => {
            const r = await api('POST', '/routes', { source: source.value, target: p.path, amount: 0.25 });
            await refreshRoutes();
            return r.ok ? `modulated by ${source.value}` : (r.body.problems ?? []).join('; ');
          })}>Add modulation</button>
        </div>
      )}
      {confirmReset.value ? (
        <div class="confirm" role="group" aria-label="Reset?">
          <span>Reset to {fmt(p.default)}?</span>
          <button type="button" data-confirm="reset" onClick={() => void run(() => {
            change(p.path, p.default);
            return Promise.resolve('reset');
          })}>Reset</button>
          <button type="button" onClick={() => (confirmReset.value = false)}>Keep</button>
        </div>
      ) : (
        <button type="button" data-action="reset" onClick={() => (confirmReset.value = true)}>Reset to default…</button>
      )}
    </div>
  );
}

/** Two parameters the schema pairs (translate X with Y, centre X with Y) on one pad over their played ranges. */
export function XYPad({ x, y }: { x: string; y: string }) {
  const px = params.get(x)?.value;
  const py = params.get(y)?.value;
  if (!px || !py) return null;
  return (
    <Pad
      name={px.label.replace(/\s*X$/i, '') || 'XY'}
      id={`${x} ${y}`}
      ranges={[playRange(px), playRange(py)]}
      base={[Number(px.base), Number(py.base)]}
      live={px.modulated || py.modulated ? [Number(px.value), Number(py.value)] : null}
      set={(vx, vy) => {
        setLocal(x, vx);
        setLocal(y, vy);
        setParams({ [x]: vx, [y]: vy });
      }}
    />
  );
}

/** A vector parameter (a point: its first two components) on one pad. */
function VectorPad({ p }: { p: ParamView }) {
  const base = Array.isArray(p.base) ? (p.base as number[]) : [0, 0];
  const range = playRange(p);
  return (
    <Pad
      name={p.label}
      id={p.path}
      ranges={[range, range]}
      base={[base[0] ?? 0, base[1] ?? 0]}
      live={null}
      set={(vx, vy) => change(p.path, [vx, vy, ...base.slice(2)])}
    />
  );
}

interface PadProps {
  name: string;
  /** What `data-xy` names: the two paths of a pair, or the vector's path. */
  id: string;
  ranges: [{ min: number; max: number }, { min: number; max: number }];
  base: [number, number];
  live: [number, number] | null;
  set: (x: number, y: number) => void;
}

function Pad({ name, id, ranges, base, live, set }: PadProps) {
  const at = (v: number, r: { min: number; max: number }) => (r.max === r.min ? 0 : Math.min(1, Math.max(0, (v - r.min) / (r.max - r.min))));
  const move = (e: PointerEvent) => {
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const fx = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
    const fy = Math.min(1, Math.max(0, (e.clientY - box.top) / box.height));
    set(ranges[0].min + fx * (ranges[0].max - ranges[0].min), ranges[1].min + fy * (ranges[1].max - ranges[1].min));
  };
  return (
    <div class="control">
      <label>
        {name}
        <span class="value">{fmt(base[0])}, {fmt(base[1])}</span>
      </label>
      <div
        class="xy"
        data-xy={id}
        onPointerDown={(e) => {
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          move(e);
        }}
        onPointerMove={(e) => {
          if (e.buttons) move(e);
        }}
      >
        <div class="dot" style={{ left: `${at(base[0], ranges[0]) * 100}%`, top: `${at(base[1], ranges[1]) * 100}%` }} />
        {live && <div class="dot modulated" style={{ left: `${at(live[0], ranges[0]) * 100}%`, top: `${at(live[1], ranges[1]) * 100}%` }} />}
      </div>
    </div>
  );
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? (Math.round(v * 100) / 100).toString() : String(v);
}

/** Splits a stage's parameters into XY pads (the pairs their schema declares) and single controls, in order. */
export function layout(paths: string[]): ({ pad: [string, string] } | { single: string })[] {
  const out: ({ pad: [string, string] } | { single: string })[] = [];
  const used = new Set<string>();
  for (const path of paths) {
    if (used.has(path)) continue;
    const padWith = params.get(path)?.value.ui?.padWith;
    const partner = padWith ? `${path.slice(0, path.lastIndexOf('/') + 1)}${padWith}` : null;
    const numeric = (p: string) => params.get(p)?.value.control === 'fader';
    if (partner && paths.includes(partner) && numeric(path) && numeric(partner)) {
      out.push({ pad: [path, partner] });
      used.add(partner);
    } else {
      out.push({ single: path });
    }
  }
  return out;
}
