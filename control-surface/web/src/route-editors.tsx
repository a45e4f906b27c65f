import { signal } from '@preact/signals';
import type { RouteView } from '../../protocol';
import { FilterDescriptions, FilterFields, FilterTypes, fieldsOf, type FilterType } from '../../../modulators/filter-kinds';
import { api } from './connection';
import { DraftInput } from './draft-input';
import { refreshRoutes } from './state';

/** What the host refused of the last route edit, said under the table (null: all taken). */
export const routeError = signal<string | null>(null);

/** Changes one route's settings; the host checks them as it checks a show file's. */
export async function patchRoute(id: string, fields: Record<string, unknown>): Promise<void> {
  const r = await api('PATCH', `/routes/${encodeURIComponent(id)}`, fields);
  routeError.value = r.ok ? null : (r.body.problems ?? [r.body.message ?? 'refused']).join('; ');
  await refreshRoutes();
}

type FilterView = NonNullable<RouteView['filters']>[number];

/** A route's filters in order: each one's type and the settings that type reads; add and remove. */
export function FiltersEditor({ route }: { route: RouteView }) {
  const filters = route.filters ?? [];
  const set = (next: Partial<FilterView>[]) => patchRoute(route.id, { filters: next });
  const setField = (i: number, field: string, v: number) => set(filters.map((g, j) => (j === i ? { ...g, [field]: v } : g)));
  const name = `${route.source} on ${route.target}`;
  return (
    <div class="filters" data-route-field="filters">
      {filters.map((f, i) => (
        <div class="filter" key={i} data-filter={i}>
          <select aria-label={`Filter ${i + 1} of ${name}`} value={f.type} title={FilterDescriptions[f.type as FilterType]} onChange={(e) => void set(filters.map((g, j) => (j === i ? { type: (e.target as HTMLSelectElement).value } : g)))}>
            {FilterTypes.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
          {fieldsOf(f.type as FilterType).map((field) => (
            <label key={field} title={FilterFields[field].description}>
              <span>{FilterFields[field].label}</span>
              <DraftInput type="number" data-filter-field={field} aria-label={`${FilterFields[field].label}, filter ${i + 1} of ${name}`} min={FilterFields[field].minimum} max={FilterFields[field].maximum} step="any" value={f[field] ?? 0} onCommit={(v) => setField(i, field, v)} />
            </label>
          ))}
          <button type="button" aria-label={`Remove filter ${i + 1} of ${name}`} onClick={() => void set(filters.filter((_, j) => j !== i))}>✕</button>
        </div>
      ))}
      <button type="button" data-filter-add aria-label={`Add a filter to ${name}`} onClick={() => void set([...filters, { type: 'lag' }])}>+ filter</button>
    </div>
  );
}

/** The signal values that map to the bottom and top of the route (its input range). */
export function InputRangeEditor({ route, bipolar }: { route: RouteView; bipolar: boolean }) {
  const [low, high] = route.inputRange ?? (bipolar ? [-1, 1] : [0, 1]);
  const name = `${route.source} on ${route.target}`;
  return (
    <div class="input-range" data-route-field="inputRange">
      <DraftInput type="number" step="any" aria-label={`Signal value at the bottom, ${name}`} value={low} onCommit={(v) => patchRoute(route.id, { inputRange: [v, high] })} />
      <span aria-hidden="true">…</span>
      <DraftInput type="number" step="any" aria-label={`Signal value at the top, ${name}`} value={high} onCommit={(v) => patchRoute(route.id, { inputRange: [low, v] })} />
    </div>
  );
}
