import type { Log } from '../core/log.js';
import type { Engine } from '../host/engine.js';

export const KEYS_HELP = 'keys: space tap · 0-9 recall slot · g/enter next cue · b previous cue · r resync · s save look · q quit';

/**
 * Laptop control from the terminal the host runs in (when it is one): the keys a VJ reaches for
 * without a surface. Everything goes through actions, so it lands at the next frame like OSC or MIDI.
 */
export function startKeyboard(engine: Engine, log: Log, quit: () => void): () => void {
  const input = process.stdin;
  if (!input.isTTY) return () => {};
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  const onData = (text: string): void => {
    for (const key of text) {
      const now = performance.now();
      if (key === '\u0003' || key === 'q') return quit();
      if (key === ' ') engine.actions.invoke('/clock/tap', [], now);
      else if (key >= '0' && key <= '9') engine.actions.invoke('/preset/recall', [Number(key)], now);
      else if (key === 'g' || key === '\r') engine.actions.invoke('/cue/go', [], now);
      else if (key === 'b') engine.actions.invoke('/cue/previous', [], now);
      else if (key === 'r') engine.actions.invoke('/clock/resync', [], now);
      else if (key === 's') engine.actions.invoke('/preset/save', [], now);
    }
  };
  input.on('data', onData);
  log.info(KEYS_HELP);
  return () => {
    input.off('data', onData);
    if (input.isTTY) input.setRawMode(false);
    input.pause();
  };
}
