/**
 * Tempo from MIDI clock (24 ticks per quarter note): the mean tick interval over the last two beats,
 * so jitter of a few ms per tick averages out while a tempo change still shows within a beat or two.
 */
export const TICKS_PER_BEAT = 24;
const WINDOW = 48;

export class MidiClock {
  private readonly intervals = new Float64Array(WINDOW);
  private count = 0;
  private cursor = 0;
  private sum = 0;
  private last = -1;
  running = false;
  /** Ticks since start (or song position). */
  ticks = 0;

  /** Registers a 0xF8 at `timeMs`; returns the BPM once enough ticks are in, else null. */
  tick(timeMs: number): number | null {
    this.ticks++;
    if (this.last >= 0) {
      const interval = timeMs - this.last;
      // A gap of more than half a second is a pause, not a tempo.
      if (interval > 0 && interval < 500) {
        if (this.count === WINDOW) this.sum -= this.intervals[this.cursor]!;
        else this.count++;
        this.intervals[this.cursor] = interval;
        this.sum += interval;
        this.cursor = (this.cursor + 1) % WINDOW;
      } else {
        this.reset();
      }
    }
    this.last = timeMs;
    return this.bpm();
  }

  bpm(): number | null {
    if (this.count < TICKS_PER_BEAT / 2) return null;
    return 60_000 / ((this.sum / this.count) * TICKS_PER_BEAT);
  }

  start(): void {
    this.running = true;
    this.ticks = 0;
  }

  stop(): void {
    this.running = false;
  }

  /** Song position pointer: MIDI beats are sixteenth notes (6 ticks each). */
  songPosition(sixteenths: number): void {
    this.ticks = sixteenths * 6;
  }

  private reset(): void {
    this.count = 0;
    this.cursor = 0;
    this.sum = 0;
  }
}
