import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { PipelinesResponse } from '../../protocol';
import { api } from './connection';
import { problems } from './state';

/** Every pipeline the host has (built-ins, plugins, models), read once per page. */
export const pipelines = signal<PipelinesResponse['pipelines']>([]);
let loading: Promise<void> | null = null;
export function loadPipelines(): Promise<void> {
  loading ??= api<PipelinesResponse>('GET', '/pipelines').then((r) => {
    if (r.ok) pipelines.value = r.body.pipelines;
  });
  return loading;
}

/** An edit of the chain: the host builds it off the frame loop and crossfades; a refusal is shown as a problem. */
async function edit(method: string, path: string, body?: unknown): Promise<void> {
  const r = await api(method, path, body);
  if (!r.ok) problems.value = [`chain: ${r.body.message ?? `refused (${r.status})`}`];
}

/** Move up, move down and remove for effect `index` of the deck (its bypass is one of its controls). */
export function EffectTools({ deck, index, count }: { deck: string; index: number; count: number }) {
  const base = `/decks/${encodeURIComponent(deck)}/chain/${index}`;
  return (
    <span class="effect-tools" role="group" aria-label={`Effect ${index + 1} of deck ${deck}`}>
      <button type="button" data-chain-action="up" aria-label="Move up" disabled={index === 0} onClick={() => void edit('POST', `${base}/move`, { to: index - 1 })}>↑</button>
      <button type="button" data-chain-action="down" aria-label="Move down" disabled={index === count - 1} onClick={() => void edit('POST', `${base}/move`, { to: index + 1 })}>↓</button>
      <button type="button" data-chain-action="remove" aria-label="Remove" onClick={() => void edit('DELETE', base)}>✕</button>
    </span>
  );
}

/** Adding an effect from every effect pipeline, and changing the deck's source from every source and generator. */
export function ChainBrowser({ deck, source }: { deck: string; source: string | null }) {
  const effect = useSignal('');
  useEffect(() => void loadPipelines(), []);
  const effects = pipelines.value.filter((p) => p.kind === 'effect');
  const sources = pipelines.value.filter((p) => p.kind !== 'effect');
  const chosen = effect.value || effects.find((p) => !p.unavailable)?.id || '';
  return (
    <div class="chain-browser">
      <label>
        <span>source</span>
        <select data-role="deck-source" aria-label={`Deck ${deck} source`} value={source ?? ''} onChange={(e) => void edit('PUT', `/decks/${encodeURIComponent(deck)}`, { source: { pipeline: (e.target as HTMLSelectElement).value } })}>
          {sources.map((p) => <option key={p.id} value={p.id} title={p.description}>{p.name}</option>)}
        </select>
      </label>
      <label>
        <span>effect</span>
        <select data-role="effect-choice" aria-label={`Effect to add to deck ${deck}`} value={chosen} onChange={(e) => (effect.value = (e.target as HTMLSelectElement).value)}>
          {byCategory(effects).map(([category, list]) => (
            <optgroup key={category} label={category}>
              {list.map((p) => <option key={p.id} value={p.id} title={p.unavailable ? `unavailable: ${p.unavailable}` : p.description} disabled={Boolean(p.unavailable)}>{p.unavailable ? `${p.name} (unavailable)` : p.name}</option>)}
            </optgroup>
          ))}
        </select>
      </label>
      <button type="button" data-chain-action="add" disabled={!chosen} onClick={() => void edit('POST', `/decks/${encodeURIComponent(deck)}/chain`, { pipeline: chosen })}>+ add</button>
    </div>
  );
}

type PipelineEntry = (typeof pipelines.value)[number];

/** Effects filed by their first category (shaders say theirs); the rest under "Effects". */
function byCategory(list: PipelineEntry[]): [string, PipelineEntry[]][] {
  const groups = new Map<string, PipelineEntry[]>();
  for (const p of list) {
    const category = p.categories[0] ?? 'Effects';
    groups.set(category, [...(groups.get(category) ?? []), p]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}
