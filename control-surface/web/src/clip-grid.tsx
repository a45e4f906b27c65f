import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ClipsResponse } from '../../protocol';
import { api, setParams } from './connection';
import { params, setLocal, stats } from './state';

/**
 * A video source's clip bank as a grid of thumbnails: a tap plays that clip (or picture, or slideshow)
 * on the deck, switched live with the deck's crossfade. The one playing is marked, with what the
 * source says of it (its state, its error).
 */
export function ClipGrid({ deck }: { deck: string }) {
  const bank = useSignal<ClipsResponse | null>(null);
  const load = async () => {
    const r = await api<ClipsResponse>('GET', '/clips');
    if (r.ok) bank.value = r.body;
  };
  useEffect(() => void load(), []);
  const path = `/deck/${deck}/source/source`;
  const current = params.get(path)?.value.base;
  const status = stats.value?.stages.find((s) => s.path === `/deck/${deck}/source`)?.status;
  const clips = bank.value?.clips ?? [];
  const play = (name: string) => {
    setLocal(path, name);
    setParams({ [path]: name });
  };
  return (
    <div class="clip-bank">
      <div class="clip-bank-head">
        <span>Clips</span>
        {status?.error ? <span class="error" role="status">{status.error}</span> : null}
        <button type="button" class="refresh" onClick={() => void load()} aria-label={`Refresh deck ${deck}'s clip list`}>↻</button>
      </div>
      {bank.value?.note ? <div class="note">{bank.value.note}</div> : null}
      <div class="clip-grid" role="group" aria-label={`Deck ${deck} clips`}>
        {clips.map((c) => (
          <button type="button" key={c.name} class={c.name === current ? 'clip on' : 'clip'} data-clip={c.name} aria-pressed={c.name === current} onClick={() => play(c.name)}>
            <img src={`api${c.thumbnail.replace(/^\/api/, '')}`} alt="" loading="lazy" />
            <span class="clip-name">{c.kind === 'slideshow' ? `${c.name} (${c.pictures})` : c.name}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
