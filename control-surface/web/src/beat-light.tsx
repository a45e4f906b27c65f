import { useEffect, useRef } from 'preact/hooks';
import { stats } from './state';

/** The light stays on for this part of a beat after the beat. */
const LIT_PART = 0.15;
/** A stats update this close to the page's own estimate (in beats) is drift to ease out, not a jump. */
const DRIFT_BEATS = 0.25;
const EASE = 0.2;

/**
 * The beat, drawn in the page on every display frame from the host's BPM and beat position, not from
 * the stats (4 a second: they would light it on some beats and miss others). Each stats update corrects
 * the page's estimate (eased when it only drifted, so it never runs backwards over a beat; at once after
 * a jump such as a resync). Every new beat lights it once, for a fixed time, even if the page was busy
 * when the beat came.
 */
export function BeatLight() {
  const light = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let raf = 0;
    let ref = { beat: 0, bpm: 0, at: performance.now() };
    let lastBeat = Number.NaN;
    let litUntil = 0;
    const estimate = (now: number) => ref.beat + ((now - ref.at) / 60_000) * ref.bpm;
    const unsubscribe = stats.subscribe((s) => {
      if (!s) return;
      const now = performance.now();
      const mine = estimate(now);
      const gap = s.clock.beat - mine;
      const beat = ref.bpm > 0 && Math.abs(gap) < DRIFT_BEATS ? mine + gap * EASE : s.clock.beat;
      ref = { beat, bpm: s.clock.bpm, at: now };
    });
    const draw = () => {
      const now = performance.now();
      const whole = Math.floor(estimate(now));
      const el = light.current;
      if (ref.bpm > 0) {
        if (Number.isNaN(lastBeat) || whole < lastBeat - 1) {
          // The first look (a page opened mid-beat does not flash for a beat that began before it), or a jump back (a restart).
          lastBeat = whole;
        } else if (whole > lastBeat) {
          // A correction that stepped back over a beat and forward again is still that beat: it lit once.
          litUntil = now + (LIT_PART * 60_000) / ref.bpm;
          lastBeat = whole;
          if (el) el.dataset.beats = String(Number(el.dataset.beats ?? 0) + 1);
        }
      }
      el?.classList.toggle('lit', now < litUntil);
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(raf);
      unsubscribe();
    };
  }, []);
  return <span class="beat-light" ref={light} aria-hidden="true" />;
}
