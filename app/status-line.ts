import type { OscStats } from '../inputs/osc/osc-input.js';
import type { EngineStats } from '../host/engine.js';

/** One terminal line a VJ can read at a glance: fps, frame time, per-stage time, drops, outputs. */
export function formatStatusLine(stats: EngineStats): string {
  const stages = stats.stages
    .map((s) => `${shortPath(s.path)} ${s.ms.toFixed(1)}${s.errors ? ` ERR×${s.errors}` : ''}${s.rate !== undefined ? ` @${s.rate.toFixed(1)}fps` : ''}`)
    .join(' ');
  const outputs = stats.outputs
    .map((o) => `${o.id} ${o.state}${o.dropped ? ` drop ${o.dropped}` : ''}`)
    .join(', ');
  return [
    `${stats.fps.toFixed(1)}/${stats.targetFps} fps`,
    `frame ${stats.frameMs.last.toFixed(1)} ms p99 ${stats.frameMs.p99.toFixed(1)}`,
    `stages ${stages} ms`,
    `dropped ${stats.droppedFrames}`,
    `out ${outputs || 'none'}`,
    `${stats.clock.bpm.toFixed(1)} bpm`,
    ...oscPart(stats.sections.osc as OscStats | undefined),
  ].join(' | ');
}

function oscPart(osc: OscStats | undefined): string[] {
  if (!osc) return [];
  if (osc.state !== 'listening') return [`osc ${osc.state}`];
  const bad = Object.values(osc.bad).reduce((a, b) => a + (b ?? 0), 0);
  return [`osc :${osc.port} ${osc.messages} msg${bad ? ` ${bad} bad` : ''}`];
}

/** "/deck/a/fx/0" -> "a/fx0", "/deck/a/source" -> "a/src" */
function shortPath(path: string): string {
  return path.replace(/^\/deck\//, '').replace('/source', '/src').replace(/\/fx\/(\d+)/, '/fx$1');
}
