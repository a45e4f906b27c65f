import { render } from 'preact';
import './styles.css';
import { action } from './connection';
import { Modulation } from './modulation';
import { Banners, Performance, Tempo } from './performance';
import { connected, problems, start, stats, view } from './state';

function App() {
  const s = stats.value;
  return (
    <div class="app">
      <header>
        <strong>vj-host</strong>
        <span class={connected.value ? 'link up' : 'link down'}>{connected.value ? 'live' : 'offline'}</span>
        <span class="fps">{s ? `${s.fps.toFixed(1)}/${s.targetFps} fps` : ''}</span>
        <Tempo />
        <nav>
          <button type="button" class={view.value === 'perform' ? 'on' : ''} onClick={() => (view.value = 'perform')}>Perform</button>
          <button type="button" class={view.value === 'modulation' ? 'on' : ''} data-view="modulation" onClick={() => (view.value = 'modulation')}>Modulation</button>
        </nav>
      </header>
      <Banners />
      {problems.value.length > 0 && <div class="problems">{problems.value.map((p) => <div key={p}>{p}</div>)}</div>}
      {view.value === 'perform' ? <Performance /> : <Modulation />}
    </div>
  );
}

/** Laptop keys: space taps the tempo, 1–8 recall preset slots, m switches to the matrix and back. */
addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).closest('input, select, textarea')) return;
  if (e.key === ' ') {
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
