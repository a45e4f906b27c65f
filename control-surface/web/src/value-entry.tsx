import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { ParamView } from '../../protocol';

/** Two taps this close (ms) on a control's name are a double tap: back to its default. */
const DOUBLE_TAP_MS = 350;

/**
 * A control's name and value line: a double tap on the name resets it to its default; a tap on a number's
 * value opens a field to type one (Enter sets it, Escape leaves it), for the exact value a fader cannot hit.
 */
export function ValueLine({ p, text, set }: { p: ParamView; text: string; set: (v: unknown) => void }) {
  const typing = useSignal(false);
  const lastTap = useRef(0);
  const numeric = p.kind === 'number' || p.kind === 'integer';
  const tapName = () => {
    const now = performance.now();
    if (now - lastTap.current < DOUBLE_TAP_MS) {
      lastTap.current = 0;
      set(p.default);
    } else lastTap.current = now;
  };
  return (
    <label>
      <span class="name" data-reset={p.path} onClick={tapName}>{p.label}</span>
      {typing.value ? (
        <input
          type="number"
          class="typed"
          data-typed={p.path}
          aria-label={`${p.label}: type a value`}
          step="any"
          min={p.min}
          max={p.max}
          defaultValue={String(p.base)}
          ref={(el) => el?.focus()}
          onKeyDown={(e) => {
            if (e.key === 'Escape') typing.value = false;
            if (e.key !== 'Enter') return;
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isFinite(v)) set(p.kind === 'integer' ? Math.round(v) : v);
            typing.value = false;
          }}
          onBlur={() => (typing.value = false)}
        />
      ) : numeric ? (
        <button type="button" class="value" data-value={p.path} aria-label={`${p.label} ${text}: type a value`} onClick={() => (typing.value = true)}>{text}</button>
      ) : (
        <span class="value">{text}</span>
      )}
    </label>
  );
}
