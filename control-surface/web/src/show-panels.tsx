import { computed, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { OutputsResponse } from '../../protocol';
import { action, api, setParams } from './connection';
import { Control } from './controls';
import { DraftInput } from './draft-input';
import { paramList, params, setLocal, stats } from './state';

/** The tempo as a VJ sets it: typed BPM, half and double, nudge, resync on the downbeat, and where the tempo comes from. */
export function TempoPanel() {
  void paramList.value;
  const bpm = params.get('/clock/bpm')?.value;
  const now = Number(bpm?.base ?? stats.value?.clock.bpm ?? 120);
  const set = (v: number) => {
    const min = bpm?.min ?? 20;
    const max = bpm?.max ?? 300;
    const next = Math.min(max, Math.max(min, Math.round(v * 100) / 100));
    // Shown here at once: the host does not echo a change to the surface that made it.
    setLocal('/clock/bpm', next);
    setParams({ '/clock/bpm': next });
  };
  return (
    <div class="tempo-panel" role="group" aria-label="Tempo">
      <label>
        BPM
        <DraftInput type="number" inputMode="decimal" data-role="bpm-entry" aria-label="BPM" min={bpm?.min ?? 20} max={bpm?.max ?? 300} step="0.1" value={now}
          onCommit={(typed) => {
            if (typed > 0) set(typed);
          }} />
      </label>
      <button type="button" data-tempo="half" onClick={() => set(now / 2)}>½×</button>
      <button type="button" data-tempo="double" onClick={() => set(now * 2)}>2×</button>
      <button type="button" data-tempo="nudge-down" aria-label="Nudge back" onClick={() => action('/clock/nudge', [-0.05])}>◀ nudge</button>
      <button type="button" data-tempo="nudge-up" aria-label="Nudge forward" onClick={() => action('/clock/nudge', [0.05])}>nudge ▶</button>
      <button type="button" data-tempo="resync" onClick={() => action('/clock/resync')}>resync</button>
      <Control path="/clock/source" />
      <Control path="/latency/compensation" />
    </div>
  );
}

const cueState = computed(() => (stats.value?.sections.presets ?? null) as { cue: number; cues: string[] } | null);

/** The cue list: Go fires the next cue; previous and next step through it. */
export function CuePanel() {
  const c = cueState.value;
  if (!c || c.cues.length === 0) return null;
  const at = c.cue >= 0 ? `${c.cue + 1}/${c.cues.length} ${c.cues[c.cue]}` : `— of ${c.cues.length}`;
  const next = c.cues[c.cue + 1];
  return (
    <div class="cue-panel" role="group" aria-label="Cue list">
      <span class="cue-now" data-cue={c.cue}>cue {at}</span>
      <button type="button" data-cue-action="previous" onClick={() => action('/cue/previous')}>◀ prev</button>
      <button type="button" class="go" data-cue-action="go" onClick={() => action('/cue/go')}>GO{next ? ` · ${next}` : ''}</button>
    </div>
  );
}

/**
 * Every output of the show, stopped ones too, each with its state in words and a start or stop button
 * (a recording's is its record button).
 */
export function OutputsPanel() {
  const list = useSignal<OutputsResponse['outputs']>([]);
  const load = async () => {
    const r = await api<OutputsResponse>('GET', '/outputs');
    if (r.ok) list.value = r.body.outputs;
  };
  // The stats (4 a second) carry the live ones; the list is read again when their set changes.
  const live = (stats.value?.outputs ?? []).map((o) => `${o.id}:${o.state}`).join(' ');
  useEffect(() => void load(), [live]);
  const run = async (id: string, what: 'start' | 'stop') => {
    await api('POST', `/outputs/${encodeURIComponent(id)}/${what}`);
    await load();
  };
  return (
    <ul class="outputs">
      {list.value.map(({ id, type, stats: o }) => {
        const s = stats.value?.outputs.find((x) => x.id === id) ?? o;
        const on = s.state === 'running' || s.state === 'starting' || s.state === 'reconnecting';
        const record = type === 'record';
        return (
          <li key={id} class={`output ${s.state}`} data-output={id}>
            <span class="output-line"><b>{id}</b> {s.state} · sent {s.sent} · dropped {s.dropped}
              {typeof s.detail.encoderFps === 'number' && s.state === 'running' ? ` · ${s.detail.encoderFps} fps` : ''}
              {typeof s.detail.connections === 'number' ? ` · ${s.detail.connections} receivers` : ''}</span>
            <button type="button" class={on && record ? 'rec on' : record ? 'rec' : ''} data-output-action={on ? 'stop' : 'start'} aria-label={`${on ? 'Stop' : record ? 'Record' : 'Start'} ${id}`} onClick={() => void run(id, on ? 'stop' : 'start')}>
              {on ? (record ? '■ stop rec' : 'stop') : record ? '● rec' : 'start'}
            </button>
            {s.lastError ? <div class="error">{s.lastError}</div> : null}
          </li>
        );
      })}
    </ul>
  );
}

interface InputState { state?: string; reason?: string | null; ports?: string[]; source?: string | null }

/** Audio and MIDI said in words, above all when they are not there. */
export function InputsPanel() {
  const sections = stats.value?.sections ?? {};
  const midi = sections.midi as InputState | undefined;
  const audio = sections.audio as InputState | undefined;
  const midiText = !midi ? 'MIDI off in this show' : midi.state === 'running' ? (midi.ports?.length ? `MIDI: ${midi.ports.join(', ')}` : 'MIDI: no controller connected') : `MIDI ${midi.state ?? 'unknown'}${midi.reason ? `: ${midi.reason}` : ''}`;
  const audioText = !audio ? 'audio off in this show' : `audio ${audio.state ?? 'on'}${audio.source ? `: ${audio.source}` : ''}${audio.reason ? ` (${audio.reason})` : ''}`;
  return (
    <div class="inputs-state" role="status">
      <span data-input="midi">{midiText}</span> · <span data-input="audio">{audioText}</span>
    </div>
  );
}
