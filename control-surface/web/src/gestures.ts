import { useEffect, useRef } from 'preact/hooks';

/** A finger held this still (px) for this long (ms) opens the menu; moving further is playing the control. */
export const HOLD_SLOP_PX = 8;
const HOLD_MS = 600;

/**
 * A long press: a finger held still on the control. Moving it (a fader drag), lifting it, the control's
 * value changing under it, or the browser taking the touch for a scroll cancels it. The timer lives in a
 * ref, so the redraws a moving value causes do not lose it.
 */
export function useLongPress(onHold: () => void) {
  const press = useRef<{ x: number; y: number; timer: ReturnType<typeof setTimeout> } | null>(null);
  const cancel = () => {
    if (press.current) clearTimeout(press.current.timer);
    press.current = null;
  };
  useEffect(() => cancel, []);
  return {
    onPointerDown: (e: PointerEvent) => {
      cancel();
      if (e.pointerType === 'mouse') return;
      press.current = { x: e.clientX, y: e.clientY, timer: setTimeout(() => {
        press.current = null;
        onHold();
      }, HOLD_MS) };
    },
    onPointerMove: (e: PointerEvent) => {
      const p = press.current;
      if (p && Math.hypot(e.clientX - p.x, e.clientY - p.y) > HOLD_SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onInput: cancel,
  };
}

/** Escape, or a press anywhere outside the menu, closes it. */
export function useDismiss(close: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const key = (e: KeyboardEvent) => e.key === 'Escape' && close();
    const outside = (e: PointerEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) close();
    };
    addEventListener('keydown', key);
    // Next turn: the press that opened the menu is not the one that closes it.
    const timer = setTimeout(() => addEventListener('pointerdown', outside, true));
    return () => {
      clearTimeout(timer);
      removeEventListener('keydown', key);
      removeEventListener('pointerdown', outside, true);
    };
  }, []);
  return ref;
}

