import { computed, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { PresetsResponse } from '../../protocol';
import { api } from './connection';
import { HOLD_SLOP_PX } from './gestures';
import { stats } from './state';

const MORPHS = [0, 1, 2, 4];
/** A hold this long saves into a slot (its progress is drawn while the finger stays). */
const SAVE_HOLD_MS = 700;
/** How long "Undo" stays offered after a slot was saved over. */
const UNDO_MS = 10_000;

/** What the host says of its presets: the one recalled last, and a revision that moves with every save or delete. */
const presetState = computed(() => (stats.value?.sections.presets ?? null) as { current: string | null; revision: number } | null);

/**
 * The preset slots: a tap recalls, a still hold saves (asking first over a filled slot, with an undo
 * after), the slot recalled last is marked, and a save on any surface shows on every one.
 */
export function Presets() {
  const morph = useSignal(0);
  const slots = usePresetSlots(morph.value);
  return (
    <div class="presets">
      <div class="morph">
        <label>
          bank
          <select aria-label="Preset bank" value={slots.bank.value} onChange={(e) => {
            slots.bank.value = (e.target as HTMLSelectElement).value;
            void slots.load();
          }}>
            {slots.banks.value.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </label>
        morph
        {MORPHS.map((m) => <button type="button" key={m} class={morph.value === m ? 'on' : ''} aria-pressed={morph.value === m} onClick={() => (morph.value = m)}>{m ? `${m}s` : 'cut'}</button>)}
        {slots.undo.value ? (
          <span class="undo" role="status">
            saved over “{slots.undo.value.name}” <button type="button" data-undo onClick={() => void slots.restore()}>Undo</button>
          </span>
        ) : null}
      </div>
      <div class="slots">
        {[1, 2, 3, 4, 5, 6, 7, 8].map((slot) => {
          const name = slots.names.value[slot];
          return <PresetSlot key={slot} slot={slot} name={name} active={!!name && name === presetState.value?.current} onRecall={slots.recall} onSave={(n) => void slots.save(n)} />;
        })}
      </div>
    </div>
  );
}

/** The bank's slots as the host has them (read again whenever its revision moves), and what a slot does. */
function usePresetSlots(morphSeconds: number) {
  const names = useSignal<Record<number, string>>({});
  const banks = useSignal<string[]>(['default']);
  const bank = useSignal('default');
  const undo = useSignal<{ name: string; timer: ReturnType<typeof setTimeout> } | null>(null);
  const load = async () => {
    const r = await api<PresetsResponse>('GET', '/presets');
    if (!r.ok) return;
    banks.value = [...new Set(['default', ...r.body.presets.map((p) => p.bank)])].sort();
    const bySlot: Record<number, string> = {};
    for (const p of r.body.presets) if (p.bank === bank.value && p.slot !== null) bySlot[p.slot] = p.name;
    names.value = bySlot;
  };
  const revision = presetState.value?.revision;
  useEffect(() => void load(), [revision]);
  useEffect(() => {
    const recallSlot = (e: Event) => recall(Number((e as CustomEvent<unknown>).detail));
    addEventListener('vj-slot', recallSlot);
    return () => removeEventListener('vj-slot', recallSlot);
  }, []);
  const recall = (slot: number) => {
    const name = names.value[slot];
    if (name) void api('POST', `/presets/${encodeURIComponent(bank.value)}/${encodeURIComponent(name)}/recall`, morphSeconds ? { mode: 'morph', duration: morphSeconds, unit: 'seconds' } : { mode: 'instant' });
  };
  const save = async (slot: number) => {
    const name = names.value[slot] ?? `Slot ${slot}`;
    const r = await api<{ replaced: boolean }>('POST', '/presets', { name, slot, bank: bank.value });
    if (r.ok && r.body.replaced) {
      if (undo.value) clearTimeout(undo.value.timer);
      undo.value = { name, timer: setTimeout(() => (undo.value = null), UNDO_MS) };
    }
    await load();
  };
  const restore = async () => {
    const u = undo.value;
    if (!u) return;
    clearTimeout(u.timer);
    undo.value = null;
    await api('POST', `/presets/${encodeURIComponent(bank.value)}/${encodeURIComponent(u.name)}/restore`);
    await load();
  };
  return { names, banks, bank, undo, load, recall, save, restore };
}

interface SlotProps {
  slot: number;
  name: string | undefined;
  active: boolean;
  onRecall: (slot: number) => void;
  onSave: (slot: number) => void;
}

/**
 * One slot. A tap (or Enter, Space) recalls it. A still hold fills its bar and then saves into it, or,
 * over a filled slot, asks first. A finger that moves is a scroll: nothing happens.
 */
function PresetSlot({ slot, name, active, onRecall, onSave }: SlotProps) {
  const asking = useSignal(false);
  const { holding, handlers } = useSlotPress(
    () => (name ? (asking.value = true) : onSave(slot)),
    () => onRecall(slot),
    () => asking.value,
  );
  // Its name is what it shows (aria-pressed says it is playing); what a tap and a hold do is its description.
  const hint = name ? `Preset ${slot}: tap to recall, hold to save the show over it` : `Preset ${slot} is empty: hold to save the show here`;
  return (
    <div class="slot-cell">
      <button
        type="button"
        class={['slot', name ? 'filled' : '', active ? 'active' : '', holding ? 'holding' : ''].filter(Boolean).join(' ')}
        data-slot={slot}
        aria-pressed={active}
        title={hint}
        {...handlers}
      >
        <span class="n">{slot}</span>{' '}
        <span class="slot-name">{name ?? 'hold to save'}</span>
        <span class="hold-bar" aria-hidden="true" />
      </button>
      {asking.value ? (
        <div class="confirm" role="alertdialog" aria-label={`Save over ${name ?? ''}?`}>
          <span>Save over “{name}”?</span>
          <button type="button" data-confirm="overwrite" onClick={() => {
            asking.value = false;
            onSave(slot);
          }}>Save over</button>
          <button type="button" onClick={() => (asking.value = false)}>Keep</button>
        </div>
      ) : null}
    </div>
  );
}

/** A slot's finger and keys: a tap or Enter/Space is `onTap`, a still hold is `onHold`, a finger that moves (a scroll) is nothing. */
function useSlotPress(onHold: () => void, onTap: () => void, busy: () => boolean) {
  const holding = useSignal(false);
  const press = useRef<{ x: number; y: number; timer: ReturnType<typeof setTimeout> } | null>(null);
  const cancel = () => {
    if (press.current) clearTimeout(press.current.timer);
    press.current = null;
    holding.value = false;
  };
  useEffect(() => cancel, []);
  const held = () => {
    press.current = null;
    holding.value = false;
    onHold();
  };
  return {
    holding: holding.value,
    handlers: {
        onContextMenu: (e: Event) => e.preventDefault(),
        onPointerDown: (e: PointerEvent) => {
          if (busy() || e.button > 0) return;
          cancel();
          press.current = { x: e.clientX, y: e.clientY, timer: setTimeout(held, SAVE_HOLD_MS) };
          holding.value = true;
        },
        onPointerMove: (e: PointerEvent) => {
          const p = press.current;
          if (p && Math.hypot(e.clientX - p.x, e.clientY - p.y) > HOLD_SLOP_PX) cancel();
        },
        onPointerUp: () => {
          if (!press.current) return;
          cancel();
          onTap();
        },
        onPointerCancel: cancel,
        onPointerLeave: cancel,
        onKeyDown: (e: KeyboardEvent) => {
          if (e.key !== 'Enter' && e.key !== ' ') return;
          e.preventDefault();
          onTap();
        },
    },
  };
}
