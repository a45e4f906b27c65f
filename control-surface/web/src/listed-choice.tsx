import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ChoicesResponse } from '../../protocol';
import { api } from './connection';

/**
 * A text parameter its pipeline lists values for (a model stage's model files): a list to pick from,
 * read from the host when drawn and again when opened (a file added meanwhile shows up). A value the
 * list does not have (typed into a show file) stays shown as it is.
 */
export function ListedChoice({ path, label, pipeline, value, set }: { path: string; label: string; pipeline: string; value: string; set: (v: string) => void }) {
  const choices = useSignal<ChoicesResponse['choices'] | null>(null);
  const param = path.slice(path.lastIndexOf('/') + 1);
  const load = () =>
    void api<ChoicesResponse>('GET', `/pipelines/${encodeURIComponent(pipeline)}/choices/${encodeURIComponent(param)}`).then((r) => {
      if (r.ok) choices.value = r.body.choices;
    });
  useEffect(load, [pipeline, param]);
  const list = choices.value ?? [];
  const known = list.some((c) => c.value === value);
  return (
    <select data-path={path} data-listed={pipeline} aria-label={label} value={value} onFocus={load} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
      {known ? null : <option value={value}>{value || '…'}</option>}
      {list.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
    </select>
  );
}
