import { computed, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { PresetsResponse } from '../../protocol';
import { action, api } from './connection';
import { Control, layout, XYPad } from './controls';
import { meters, paramList, previewIndex, previewUrl, stats } from './state';

/** Deck ids and each deck's stages (source, fx/0, …), read off the parameter paths. */
const decks = computed(() => {
  const byDeck = new Map<string, Map<string, string[]>>();
  for (const p of paramList.value) {
    const m = /^\/deck\/([^/]+)\/(source|fx\/\d+)\/[^/]+$/.exec(p.path);
    if (!m) continue;
    const stages = byDeck.get(m[1]!) ?? new Map<string, string[]>();
    byDeck.set(m[1]!, stages);
    stages.set(m[2]!, [...(stages.get(m[2]!) ?? []), p.path]);
  }
  return byDeck;
});

function stageName(deck: string, stage: string): string {
  const s = stats.value?.stages.find((x) => x.path === `/deck/${deck}/${stage}`);
  return s ? `${stage} · ${s.pipeline}` : stage;
}

export function Preview() {
  return (
    <div class="preview">
      {previewUrl.value ? <img src={previewUrl.value} alt="output" data-frame={previewIndex.value} /> : <div class="no-preview">waiting for frames…</div>}
    </div>
  );
}

export function Tempo() {
  const s = stats.value;
  const beat = s ? s.clock.beat % 1 : 0;
  return (
    <div class="tempo">
      <span class="bpm" data-bpm={s?.clock.bpm ?? ''}>{s ? s.clock.bpm.toFixed(1) : '—'} BPM</span>
      <span class={beat < 0.2 ? 'beat-light lit' : 'beat-light'} />
      <button type="button" class="tap" onClick={() => action('/clock/tap')}>TAP</button>
    </div>
  );
}

function Meters() {
  const m = meters.value;
  return (
    <div class="meters">
      {(['audio:low', 'audio:mid', 'audio:high'] as const).map((name) => (
        <div key={name} class="meter" title={name}>
          <div class="level" style={{ height: `${Math.round((m[name] ?? 0) * 100)}%` }} />
        </div>
      ))}
      <span class={(m['audio:onset'] ?? 0) > 0.5 ? 'onset lit' : 'onset'} title="onset" />
    </div>
  );
}

function Outputs() {
  return (
    <ul class="outputs">
      {(stats.value?.outputs ?? []).map((o) => (
        <li key={o.id} class={`output ${o.state}`} data-output={o.id}>
          <b>{o.id}</b> {o.state} · sent {o.sent} · dropped {o.dropped}
          {typeof o.detail.encoderFps === 'number' && o.state === 'running' ? ` · ${o.detail.encoderFps} fps` : ''}
          {typeof o.detail.connections === 'number' ? ` · ${o.detail.connections} receivers` : ''}
          {o.lastError ? <div class="error">{o.lastError}</div> : null}
        </li>
      ))}
    </ul>
  );
}

export function Banners() {
  const s = stats.value;
  const errors = [
    ...(s?.stages.filter((x) => x.lastError).map((x) => `${x.path}: ${x.lastError}`) ?? []),
    ...(s?.outputs.filter((o) => o.state === 'failed').map((o) => `output ${o.id}: ${o.lastError ?? 'failed'}`) ?? []),
  ];
  return <div class="banners">{errors.slice(0, 3).map((e) => <div key={e} class="banner">{e}</div>)}</div>;
}

const MORPHS = [0, 1, 2, 4];

function Presets() {
  const names = useSignal<Record<number, string>>({});
  const banks = useSignal<string[]>(['default']);
  const bank = useSignal('default');
  const morph = useSignal(0);
  const load = async () => {
    const r = await api<PresetsResponse>('GET', '/presets');
    if (!r.ok) return;
    banks.value = [...new Set(['default', ...r.body.presets.map((p) => p.bank)])].sort();
    const bySlot: Record<number, string> = {};
    for (const p of r.body.presets) if (p.bank === bank.value && p.slot !== null) bySlot[p.slot] = p.name;
    names.value = bySlot;
  };
  useEffect(() => {
    void load();
    const recallSlot = (e: Event) => recall(Number((e as CustomEvent<unknown>).detail));
    addEventListener('vj-slot', recallSlot);
    return () => removeEventListener('vj-slot', recallSlot);
  }, []);
  const recall = (slot: number) => {
    const name = names.value[slot];
    if (name) void api('POST', `/presets/${encodeURIComponent(bank.value)}/${encodeURIComponent(name)}/recall`, morph.value ? { mode: 'morph', duration: morph.value, unit: 'seconds' } : { mode: 'instant' });
  };
  const save = async (slot: number) => {
    await api('POST', '/presets', { name: names.value[slot] ?? `Slot ${slot}`, slot, bank: bank.value });
    await load();
  };
  return (
    <div class="presets">
      <div class="morph">
        bank
        <select value={bank.value} onChange={(e) => {
          bank.value = (e.target as HTMLSelectElement).value;
          void load();
        }}>
          {banks.value.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
        morph
        {MORPHS.map((m) => <button type="button" key={m} class={morph.value === m ? 'on' : ''} onClick={() => (morph.value = m)}>{m ? `${m}s` : 'cut'}</button>)}
      </div>
      <div class="slots">
        {[1, 2, 3, 4, 5, 6, 7, 8].map((slot) => <PresetSlot key={slot} slot={slot} name={names.value[slot]} onRecall={recall} onSave={(n) => void save(n)} />)}
      </div>
    </div>
  );
}

/** A preset slot: a tap recalls it, a hold (700 ms) saves the show into it. */
function PresetSlot({ slot, name, onRecall, onSave }: { slot: number; name: string | undefined; onRecall: (slot: number) => void; onSave: (slot: number) => void }) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let held = false;
  return (
    <button
      type="button"
      class={name ? 'slot filled' : 'slot'}
      data-slot={slot}
      onPointerDown={() => {
        held = false;
        timer = setTimeout(() => {
          held = true;
          onSave(slot);
        }, 700);
      }}
      onPointerUp={() => {
        clearTimeout(timer);
        if (!held) onRecall(slot);
      }}
    >
      <span class="n">{slot}</span>
      {name ?? 'hold to save'}
    </button>
  );
}

export function Performance() {
  return (
    <div class="perform">
      <section class="left">
        <Preview />
        <div class="mixer">
          <label>A ◀ crossfade ▶ B</label>
          <Control path="/mixer/crossfade" />
          <Control path="/mixer/mode" />
        </div>
        <Meters />
        <Outputs />
      </section>
      <section class="decks">
        {[...decks.value].map(([deck, stages]) => (
          <div class="deck" key={deck} data-deck={deck}>
            <h2>Deck {deck.toUpperCase()}</h2>
            {[...stages].map(([stage, paths]) => (
              <fieldset key={stage}>
                <legend>{stageName(deck, stage)}</legend>
                {layout(paths).map((item) => ('pad' in item ? <XYPad key={item.pad[0]} x={item.pad[0]} y={item.pad[1]} /> : <Control key={item.single} path={item.single} />))}
              </fieldset>
            ))}
          </div>
        ))}
      </section>
      <Presets />
    </div>
  );
}
