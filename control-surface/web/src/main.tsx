import { render } from 'preact';
import './styles.css';
import { action } from './connection';
import { Modulation } from './modulation';
import { Banners, Performance, Tempo } from './performance';
import { useRef } from 'preact/hooks';
import { connected, locked, problems, start, stats, view } from './state';

/** Unlocking takes a hold this long, so a stray touch on a locked surface changes nothing. */
const UNLOCK_HOLD_MS = 1000;

/** The performance lock: a tap locks every control; a one-second hold on the lock unlocks. */
function Lock() {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  return (
    <button
      type="button"
      class={locked.value ? 'lock on' : 'lock'}
      data-role="lock"
      aria-pressed={locked.value}
      aria-label={locked.value ? 'Locked: hold to unlock' : 'Lock the surface'}
      onPointerDown={() => {
        if (!locked.value) return;
        timer.current = setTimeout(() => {
          timer.current = null;
          locked.value = false;
        }, UNLOCK_HOLD_MS);
      }}
      onPointerUp={cancel}
      onPointerCancel={cancel}
      onPointerLeave={cancel}
      onClick={() => {
        if (!locked.value) locked.value = true;
      }}
    >
      {locked.value ? '🔒 hold to unlock' : '🔓 lock'}
    </button>
  );
}

function App() {
  const s = stats.value;
  return (
    <div class={locked.value ? 'app locked' : 'app'}>
      <header>
        <strong>vj-host</strong>
        <span class={connected.value ? 'link up' : 'link down'} role="status">{connected.value ? 'live' : 'offline'}</span>
        <span class="fps">{s ? `${s.fps.toFixed(1)}/${s.targetFps} fps` : ''}</span>
        <Tempo />
        <Lock />
        <nav>
          <button type="button" class={view.value === 'perform' ? 'on' : ''} aria-pressed={view.value === 'perform'} onClick={() => (view.value = 'perform')}>Perform</button>
          <button type="button" class={view.value === 'modulation' ? 'on' : ''} aria-pressed={view.value === 'modulation'} data-view="modulation" onClick={() => (view.value = 'modulation')}>Modulation</button>
        </nav>
      </header>
      <main inert={locked.value}>
        <Banners />
        {problems.value.length > 0 && <div class="problems" role="alert">{problems.value.map((p) => <div key={p}>{p}</div>)}</div>}
        {view.value === 'perform' ? <Performance /> : <Modulation />}
      </main>
    </div>
  );
}

/**
 * Laptop keys: space taps the tempo, 1–8 recall preset slots, m switches to the matrix and back. They
 * work with a fader or a button focused too; only fields that take typing keep their keys.
 */
addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || locked.value) return;
  if ((e.target as HTMLElement).closest('input:not([type="range"]):not([type="checkbox"]):not([type="color"]), select, textarea, [role="dialog"]')) return;
  // Space and Enter on a focused button are that button's; space elsewhere is the tap.
  if (e.key === ' ' && !(e.target as HTMLElement).closest('button')) {
    e.preventDefault();
    action('/clock/tap');
  } else if (/^[1-8]$/.test(e.key)) {
    dispatchEvent(new CustomEvent('vj-slot', { detail: Number(e.key) }));
  } else if (e.key === 'm') {
    view.value = view.value === 'perform' ? 'modulation' : 'perform';
  }
});

start();
render(<App />, document.getElementById('app')!);
