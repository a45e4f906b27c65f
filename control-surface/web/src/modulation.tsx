import { useSignal } from '@preact/signals';
import { Curves } from '../../../modulators/curves';
import { action, api } from './connection';
import { Control } from './controls';
import { ROUTE_AMOUNT_MAX } from '../../../core/limits';
import { amountText } from './mapped';
import { DraftInput } from './draft-input';
import { FiltersEditor, InputRangeEditor, patchRoute, routeError } from './route-editors';
import { bipolarSignals, paramList, refreshRoutes, routes, signalNames } from './state';

const patch = patchRoute;

/** The matrix as a table, every route's settings editable live (what the host refuses is said under it), a meter per route. */
export function Modulation() {
  const source = useSignal('lfo1:out');
  const target = useSignal('');
  const error = useSignal<string | null>(null);
  const targets = paramList.value.filter((p) => p.modulatable);
  const add = async () => {
    const r = await api('POST', '/routes', { source: source.value, target: target.value || targets[0]?.path, amount: 0.25 });
    error.value = r.ok ? null : (r.body.problems ?? [r.body.message ?? 'refused']).join('; ');
    await refreshRoutes();
  };
  return (
    <div class="modulation-view">
      <table>
        <thead>
          <tr><th>on</th><th>source and its range</th><th>curve</th><th>filters</th><th>target</th><th>amount</th><th>offset</th><th>level</th><th /></tr>
        </thead>
        <tbody>
          {routes.value.map((r) => (
            <tr key={r.id} data-route={r.id} class={r.enabled === false ? 'off' : ''}>
              <td><button type="button" class={r.enabled === false ? 'toggle' : 'toggle on'} data-route-field="enabled" aria-pressed={r.enabled !== false} aria-label={`Route ${r.source} to ${r.target} on`} onClick={() => void patch(r.id, { enabled: r.enabled === false })}>{r.enabled === false ? 'off' : 'on'}</button></td>
              <td>{r.source}<InputRangeEditor route={r} bipolar={bipolarSignals.value.has(r.source)} /></td>
              <td>
                <select data-route-field="curve" aria-label={`Curve of ${r.source} on ${r.target}`} value={r.curve ?? 'linear'} onChange={(e) => void patch(r.id, { curve: (e.target as HTMLSelectElement).value })}>
                  {Curves.map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
                <button type="button" class={r.invert ? 'toggle on' : 'toggle'} data-route-field="invert" aria-pressed={Boolean(r.invert)} aria-label={`Invert ${r.source} on ${r.target}`} onClick={() => void patch(r.id, { invert: !r.invert })}>invert</button>
              </td>
              <td><FiltersEditor route={r} /></td>
              <td>{r.target}</td>
              <td>
                <DraftInput type="range" aria-label={`Amount of ${r.source} on ${r.target}`} min={-ROUTE_AMOUNT_MAX} max={ROUTE_AMOUNT_MAX} step="any" value={r.amount} onCommit={(amount) => patch(r.id, { amount })} />
                {amountText(r.amount)}
              </td>
              <td>
                <DraftInput type="range" data-route-field="offset" aria-label={`Offset of ${r.source} on ${r.target}`} min={-1} max={1} step="any" value={r.offset ?? 0} onCommit={(offset) => patch(r.id, { offset })} />
                {amountText(r.offset ?? 0)}
              </td>
              <td><div class="route-meter"><div style={{ width: `${Math.round(Math.min(1, Math.abs(r.level)) * 100)}%` }} /></div></td>
              <td><button type="button" onClick={() => void api('DELETE', `/routes/${encodeURIComponent(r.id)}`).then(refreshRoutes)}>remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Generators />
      <div class="add-route">
        <select data-role="route-source" aria-label="Modulation source" value={source.value} onChange={(e) => (source.value = (e.target as HTMLSelectElement).value)}>
          {signalNames.value.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        →
        <select data-role="route-target" aria-label="Modulation target" value={target.value} onChange={(e) => (target.value = (e.target as HTMLSelectElement).value)}>
          {targets.map((p) => <option key={p.path} value={p.path}>{p.path}</option>)}
        </select>
        <button type="button" data-role="route-add" onClick={() => void add()}>add route</button>
        {error.value && <div class="error">{error.value}</div>}
        {routeError.value && <div class="error" role="alert">{routeError.value}</div>}
      </div>
    </div>
  );
}


/** The show's LFOs and envelopes with their settings (each a parameter like any other), an envelope's trigger beside it. */
function Generators() {
  const groups = new Map<string, string[]>();
  for (const p of paramList.value) {
    const m = /^\/(lfo|env)\/([^/]+)\//.exec(p.path);
    if (!m) continue;
    const key = `${m[1]}/${m[2]}`;
    groups.set(key, [...(groups.get(key) ?? []), p.path]);
  }
  if (groups.size === 0) return null;
  return (
    <div class="generators">
      {[...groups].map(([key, paths]) => (
        <fieldset key={key} data-generator={key}>
          <legend>
            {key.startsWith('env/') ? `envelope ${key.slice(4)}` : `LFO ${key.slice(4)}`}
            {key.startsWith('env/') ? <button type="button" data-trigger={key} onClick={() => action(`/${key}/trigger`)}>trigger</button> : null}
          </legend>
          {paths.map((path) => <Control key={path} path={path} />)}
        </fieldset>
      ))}
    </div>
  );
}
