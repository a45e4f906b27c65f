/**
 * Onsets in, beats out: the tempo is the dominant interval between recent onsets (folded into a
 * musical range), and a flywheel keeps the beat going through a missed kick, re-anchoring on every
 * onset that lands near the predicted beat. After a few seconds without onsets it stops: silence has
 * no beat.
 */
const HISTORY_MS = 8000;
const MIN_BPM = 70;
const MAX_BPM = 180;
const TOLERANCE = 0.2; // of a beat period
const SILENCE_MS = 2500;

export class BeatTracker {
  private readonly onsets: number[] = [];
  private periodMs = 0;
  private lastBeat = -Infinity;
  private lastOnset = -Infinity;

  get bpm(): number {
    return this.periodMs ? 60_000 / this.periodMs : 0;
  }

  /** 0..1 through the current beat (0 when no tempo yet). */
  phase(timeMs: number): number {
    if (!this.periodMs || !Number.isFinite(this.lastBeat)) return 0;
    const p = (timeMs - this.lastBeat) / this.periodMs;
    return p - Math.floor(p);
  }

  onset(timeMs: number): void {
    this.lastOnset = timeMs;
    this.onsets.push(timeMs);
    while (this.onsets.length && this.onsets[0]! < timeMs - HISTORY_MS) this.onsets.shift();
    this.estimateTempo();
    if (this.periodMs) {
      const expected = this.lastBeat + this.periodMs;
      // An onset near the predicted beat (or the first one) re-anchors the grid on the music.
      if (!Number.isFinite(this.lastBeat) || Math.abs(timeMs - expected) <= this.periodMs * TOLERANCE || timeMs - this.lastBeat > this.periodMs * (1 + TOLERANCE)) {
        this.pendingBeat = timeMs;
      }
    }
  }

  private pendingBeat: number | null = null;

  /** Advances to `timeMs`; returns the time of a beat in (previous call, timeMs], or null. */
  advance(timeMs: number): number | null {
    if (timeMs - this.lastOnset > SILENCE_MS) {
      this.periodMs = 0;
      this.lastBeat = -Infinity;
      this.pendingBeat = null;
      this.onsets.length = 0;
      return null;
    }
    if (this.pendingBeat !== null) {
      const beat = this.pendingBeat;
      this.pendingBeat = null;
      if (beat - this.lastBeat > this.periodMs * (1 - TOLERANCE)) {
        this.lastBeat = beat;
        return beat;
      }
      return null;
    }
    // Flywheel: no onset where a beat was due (a quiet bar): the beat carries on.
    if (this.periodMs && Number.isFinite(this.lastBeat) && timeMs - this.lastBeat >= this.periodMs * (1 + TOLERANCE)) {
      this.lastBeat += this.periodMs;
      return this.lastBeat;
    }
    return null;
  }

  private estimateTempo(): void {
    // Intervals between each onset and the next few, as candidate beat periods.
    const candidates: number[] = [];
    for (let i = 0; i < this.onsets.length; i++) {
      for (let j = i + 1; j < Math.min(this.onsets.length, i + 4); j++) {
        let interval = this.onsets[j]! - this.onsets[i]!;
        while (interval > 0 && 60_000 / interval < MIN_BPM) interval /= 2;
        while (interval > 0 && 60_000 / interval >= MAX_BPM) interval *= 2;
        if (interval > 0) candidates.push(interval);
      }
    }
    if (candidates.length < 2) return;
    // The densest 2%-wide cluster of candidate periods wins; its mean is the period.
    candidates.sort((a, b) => a - b);
    let best = { count: 0, sum: 0 };
    for (let i = 0, j = 0; i < candidates.length; i++) {
      while (candidates[j]! < candidates[i]! * 0.98) j++;
      let count = 0;
      let sum = 0;
      for (let k = j; k < candidates.length && candidates[k]! <= candidates[i]! * 1.02; k++) {
        count++;
        sum += candidates[k]!;
      }
      if (count > best.count) best = { count, sum };
    }
    if (best.count >= 2) this.periodMs = best.sum / best.count;
  }
}
