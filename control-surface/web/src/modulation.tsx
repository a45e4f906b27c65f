import { useSignal } from '@preact/signals';
import { api } from './connection';
import { ROUTE_AMOUNT_MAX } from '../../../core/limits';
import { paramList, refreshRoutes, routes, signalNames } from './state';

/** The matrix as a table: source, filters, target, amount (editable live), a meter per route. */
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
          <tr><th>source</th><th>filters</th><th>target</th><th>amount</th><th>level</th><th /></tr>
        </thead>
        <tbody>
          {routes.value.map((r) => (
            <tr key={r.id} data-route={r.id}>
              <td>{r.source}</td>
              <td>{(r.filters ?? []).map((f) => f.type).join(' → ') || '—'}</td>
              <td>{r.target}</td>
              <td>
                <input type="range" min={-ROUTE_AMOUNT_MAX} max={ROUTE_AMOUNT_MAX} step={0.01} value={r.amount} onChange={(e) => void api('PATCH', `/routes/${encodeURIComponent(r.id)}`, { amount: Number((e.target as HTMLInputElement).value) }).then(refreshRoutes)} />
                {r.amount.toFixed(2)}
              </td>
              <td><div class="route-meter"><div style={{ width: `${Math.round(Math.min(1, Math.abs(r.level)) * 100)}%` }} /></div></td>
              <td><button type="button" onClick={() => void api('DELETE', `/routes/${encodeURIComponent(r.id)}`).then(refreshRoutes)}>remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="add-route">
        <select data-role="route-source" value={source.value} onChange={(e) => (source.value = (e.target as HTMLSelectElement).value)}>
          {signalNames.value.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        →
        <select data-role="route-target" value={target.value} onChange={(e) => (target.value = (e.target as HTMLSelectElement).value)}>
          {targets.map((p) => <option key={p.path} value={p.path}>{p.path}</option>)}
        </select>
        <button type="button" data-role="route-add" onClick={() => void add()}>add route</button>
        {error.value && <div class="error">{error.value}</div>}
      </div>
    </div>
  );
}
