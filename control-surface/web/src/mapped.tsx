import { useEffect } from 'preact/hooks';
import type { RouteView } from '../../protocol';
import { api } from './connection';
import { refreshRoutes, routes } from './state';

/** A learn started from this control's menu: which kind, and the routes onto it at that moment. */
export interface Learning {
  kind: 'MIDI' | 'OSC';
  before: string[];
}

/**
 * What else moves a control: each route onto it, its source and depth. A learned one (a MIDI knob, a
 * tablet fader: an absolute route) sweeps the whole range and holds the value; moving the control here
 * takes it over, and the knob takes it back by passing through the value (pickup) or by moving (jump).
 * Which of them holds it is said; Release hands the control to the surface for good.
 */
export function Mapped({ path }: { path: string }) {
  const onto = routes.value.filter((r) => r.target === path);
  if (onto.length === 0) return null;
  return (
    <div class="mapped" data-mapped={path}>
      {onto.map((r) => {
        const learned = Boolean(r.absolute);
        return (
          <div key={r.id} class={learned ? 'route learned' : 'route'} data-route={r.id} data-holding={learned ? String(r.holding !== false) : undefined}>
            <span class="depth" aria-hidden="true"><span style={{ width: `${Math.round(Math.min(1, Math.abs(r.amount)) * 100)}%` }} /></span>
            {learned ? <span>{ownerText(r)}</span> : <span>{r.source} × {amountText(r.amount)}</span>}
            {learned ? <button type="button" class="release" onClick={() => void api('DELETE', `/routes/${encodeURIComponent(r.id)}`).then(refreshRoutes)}>Release</button> : null}
          </div>
        );
      })}
    </div>
  );
}

function ownerText(r: RouteView): string {
  if (r.holding !== false) return `held by ${r.source}`;
  return r.takeover === 'jump' ? `held here: ${r.source} takes it back when it moves` : `held here: ${r.source} takes it back when it passes this value`;
}

/** While a learn waits: the first route onto `path` that was not there before confirms it. */
export function useLearnConfirmation(path: string, learning: Learning | null, done: (note: string) => void): void {
  const fresh = learning ? routes.value.find((r) => r.target === path && !learning.before.includes(r.id)) : undefined;
  useEffect(() => {
    if (learning && fresh) done(`learned: ${fresh.source} now moves this (${learning.kind})`);
  }, [fresh?.id]);
}

/** Small amounts keep their digits: 0.004 reads 0.004, not 0.00. */
export function amountText(v: number): string {
  return Math.abs(v) >= 0.1 || v === 0 ? v.toFixed(2) : v.toPrecision(2);
}
