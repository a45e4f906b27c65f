import { computed } from '@preact/signals';
import { action } from './connection';
import { ChainBrowser, EffectTools, pipelines } from './chain-editor';
import { ClipGrid } from './clip-grid';
import { Presets } from './presets';
import { CuePanel, InputsPanel, OutputsPanel, TempoPanel } from './show-panels';
import { Control, layout, XYPad } from './controls';
import { BeatLight } from './beat-light';
import { connected, meters, paramList, previewIndex, previewUrl, stats } from './state';

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

function pipelineOf(deck: string, stage: string): string | null {
  return stats.value?.stages.find((x) => x.path === `/deck/${deck}/${stage}`)?.pipeline ?? null;
}

/** What a stage with a life of its own says of itself: a model's state, rate and latency, an error, a bypass for overrunning. */
function StageState({ deck, stage }: { deck: string; stage: string }) {
  const s = stats.value?.stages.find((x) => x.path === `/deck/${deck}/${stage}`);
  if (!s) return null;
  const parts = [
    s.status && s.pipeline !== 'video' ? s.status.state : null,
    s.status?.next ? `loading ${s.status.next}` : null,
    governorText(s.status?.detail?.governor),
    typeof s.status?.detail?.provider === 'string' ? `on ${s.status.detail.provider === 'webgpu' ? `the GPU (${typeof s.status.detail.adapter === 'string' ? s.status.detail.adapter : 'WebGPU'})` : s.status.detail.provider.toUpperCase()}` : null,
    typeof s.rate === 'number' ? `${s.rate.toFixed(1)} fps` : null,
    typeof s.status?.detail?.inferenceMs === 'number' ? `inference ${Math.round(s.status.detail.inferenceMs)} ms` : null,
    typeof s.latencyMs === 'number' ? `${Math.round(s.latencyMs)} ms` : null,
    s.bypassed ? 'skipped: over its frame budget' : null,
    s.gpu ? `GPU${s.gpu.gpuMs === null ? '' : ` ${s.gpu.gpuMs.toFixed(2)} ms`}` : null,
  ].filter(Boolean);
  const error = s.status?.error ?? s.lastError;
  if (!parts.length && !error) return null;
  return (
    <div class="stage-state" data-stage-state={s.path} role="status">
      {parts.join(' · ')}
      {error ? <div class="error">{error}</div> : null}
    </div>
  );
}

/** The stage's pipeline, when it lists the values of this parameter (a model stage's model files). */
function listedBy(deck: string, stage: string, path: string): string | undefined {
  const id = pipelineOf(deck, stage);
  const param = path.slice(path.lastIndexOf('/') + 1);
  return id && pipelines.value.find((p) => p.id === id)?.choices.includes(param) ? id : undefined;
}

/** The size a model's target rate chose, and why. */
function governorText(g: unknown): string | null {
  if (typeof g !== 'object' || g === null) return null;
  const { size, reason } = g as { size?: unknown; reason?: unknown };
  return typeof size === 'string' && typeof reason === 'string' ? `working ${size}: ${reason}` : null;
}

function stageName(deck: string, stage: string): string {
  const pipeline = pipelineOf(deck, stage);
  return pipeline ? `${stage} · ${pipeline}` : stage;
}

export function Preview() {
  const offline = !connected.value;
  return (
    <div class={offline ? 'preview offline' : 'preview'}>
      <button type="button" class="fullscreen" aria-label="Output full screen" onClick={(e) => void (e.currentTarget.parentElement as HTMLElement).requestFullscreen?.().catch(() => {})}>⛶</button>
      {previewUrl.value ? <img src={previewUrl.value} alt="the output, live" data-frame={previewIndex.value} /> : <div class="no-preview">waiting for frames…</div>}
      {offline && (
        <div class="offline-overlay" role="alert">
          <strong>OFFLINE</strong>
          <span>the host is not answering: this picture is old, and moves are not sent</span>
        </div>
      )}
    </div>
  );
}

export function Tempo() {
  const s = stats.value;
  return (
    <div class="tempo">
      <span class="bpm" data-bpm={s?.clock.bpm ?? ''}>{s ? s.clock.bpm.toFixed(1) : '—'} BPM</span>
      <BeatLight />
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

export function Banners() {
  const s = stats.value;
  const errors = [
    ...(s?.stages.filter((x) => x.lastError).map((x) => `${x.path}: ${x.lastError}`) ?? []),
    ...(s?.outputs.filter((o) => o.state === 'failed').map((o) => `output ${o.id}: ${o.lastError ?? 'failed'}`) ?? []),
  ];
  return <div class="banners" role="alert">{errors.slice(0, 3).map((e) => <div key={e} class="banner">{e}</div>)}</div>;
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
        <TempoPanel />
        <CuePanel />
        <Meters />
        <InputsPanel />
        <OutputsPanel />
      </section>
      <section class="decks">
        {[...decks.value].map(([deck, stages]) => (
          <div class="deck" key={deck} data-deck={deck}>
            <h2>Deck {deck.toUpperCase()}</h2>
            {[...stages].map(([stage, paths]) => (
              <fieldset key={stage} data-stage={stage}>
                <legend>
                  {stageName(deck, stage)}
                  {stage.startsWith('fx/') ? <EffectTools deck={deck} index={Number(stage.slice(3))} count={[...stages.keys()].filter((k) => k.startsWith('fx/')).length} /> : null}
                </legend>
                <StageState deck={deck} stage={stage} />
                {stage === 'source' && pipelineOf(deck, stage) === 'video' ? <ClipGrid deck={deck} /> : null}
                {layout(paths).map((item) => ('pad' in item ? <XYPad key={item.pad[0]} x={item.pad[0]} y={item.pad[1]} /> : <Control key={item.single} path={item.single} listed={listedBy(deck, stage, item.single)} />))}
              </fieldset>
            ))}
            <ChainBrowser deck={deck} source={pipelineOf(deck, 'source')} />
          </div>
        ))}
      </section>
      <Presets />
    </div>
  );
}
