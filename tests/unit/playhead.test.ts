import { describe, expect, it } from 'vitest';
import { initialClockState, Tempo, updateClockState, type ClockState } from '../../core/clock.js';
import { Playhead, type PlayParams } from '../../pipelines/video/playhead.js';

const FPS = 30;
const play = (over: Partial<PlayParams> = {}): PlayParams => ({ playing: true, speed: 1, reverse: false, loop: 'loop', inPoint: 0, outPoint: 1, beatSync: 0, ...over });

/** A show clock at 30 fps that the test steps frame by frame (the manual driver's clock). */
function showClock(bpm = 120): { clock: ClockState; tempo: Tempo; step(): ClockState } {
  const clock = initialClockState(FPS);
  const tempo = new Tempo(bpm);
  let frame = 0;
  return {
    clock, tempo,
    step() {
      updateClockState(clock, frame, frame / FPS, FPS, tempo);
      frame++;
      return clock;
    },
  };
}

/** The frames shown over `ticks` ticks. */
function run(head: Playhead, p: PlayParams | ((tick: number) => PlayParams), ticks: number, c = showClock()): number[] {
  return Array.from({ length: ticks }, (_, i) => head.advance(c.step(), typeof p === 'function' ? p(i) : p));
}

describe('playhead (which frame of a clip shows on each tick)', () => {
  it('loops frame-exact when the clock\'s steps carry rounding errors (a show clock far from zero)', () => {
    const clock = initialClockState(FPS);
    const tempo = new Tempo(120);
    const head = new Playhead(48, FPS);
    const shown: number[] = [];
    for (let frame = 0; frame < 48 * 10 + 1; frame++) {
      // Times as a long-running show has them: frame steps that are not exactly 1/30 s apart in floating point.
      updateClockState(clock, frame, 86_400.123456789 + frame / FPS, FPS, tempo);
      shown.push(head.advance(clock, play()));
    }
    expect(shown).toEqual(Array.from({ length: 48 * 10 + 1 }, (_, i) => i % 48));
  });

  it('plays frame-exact at speed 1, 2 and 0.5, and in reverse', () => {
    expect(run(new Playhead(10, FPS), play(), 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(run(new Playhead(10, FPS), play({ speed: 2 }), 7)).toEqual([0, 2, 4, 6, 8, 0, 2]);
    expect(run(new Playhead(10, FPS), play({ speed: 0.5 }), 6)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(run(new Playhead(10, FPS), play({ reverse: true }), 12)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8]);
  });

  it('ends as the loop mode says: loop wraps, once holds the last frame, ping-pong turns without repeating its ends', () => {
    expect(run(new Playhead(4, FPS), play({ loop: 'once' }), 7)).toEqual([0, 1, 2, 3, 3, 3, 3]);
    expect(run(new Playhead(4, FPS), play({ loop: 'once', reverse: true }), 6)).toEqual([3, 2, 1, 0, 0, 0]);
    expect(run(new Playhead(4, FPS), play({ loop: 'ping-pong' }), 10)).toEqual([0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
  });

  it('plays only between the in and out points', () => {
    expect(run(new Playhead(10, FPS), play({ inPoint: 0.2, outPoint: 0.5 }), 8)).toEqual([2, 3, 4, 2, 3, 4, 2, 3]);
  });

  it('pauses, scrubs to the frame asked for, and retriggers to the start', () => {
    const head = new Playhead(100, FPS);
    const c = showClock();
    expect(run(head, play(), 5, c)).toEqual([0, 1, 2, 3, 4]);
    expect(run(head, play({ playing: false }), 3, c)).toEqual([4, 4, 4]);
    head.seek(0.5); // frame 49.5 of 0..99: frame 49
    expect(run(head, play({ playing: false }), 1, c)).toEqual([49]);
    expect(run(head, play(), 2, c)).toEqual([50, 51]);
    head.retrigger();
    expect(run(head, play(), 3, c)).toEqual([0, 1, 2]);
  });

  it('beat sync: a 48-frame clip on 4 beats at 120 BPM loops every 2 s on the downbeat, and follows a tempo change', () => {
    const head = new Playhead(48, FPS);
    const c = showClock(120);
    const frames = run(head, play({ beatSync: 4 }), 121, c);
    // 2 s = 60 ticks for 48 frames: back to frame 0 exactly on ticks 0, 60, 120 (each a downbeat).
    expect([frames[0], frames[60], frames[120]]).toEqual([0, 0, 0]);
    expect(frames[30]).toBe(24); // half-way through the bar, half-way through the clip
    expect(frames.slice(1, 60).every((f, i) => f >= frames[i]!)).toBe(true);
    // Twice the tempo: the same clip now loops every second (30 ticks).
    c.tempo.bpm = 240;
    const faster = run(head, play({ beatSync: 4 }), 61, c);
    expect(faster.filter((f, i) => i > 0 && f < faster[i - 1]!)).toHaveLength(2);
  });

  it('beat sync: a retrigger makes the beat it lands on the clip\'s start', () => {
    const head = new Playhead(48, FPS);
    const c = showClock(120);
    run(head, play({ beatSync: 4 }), 45, c); // three beats into the bar: frame 36 is showing
    head.retrigger();
    const after = run(head, play({ beatSync: 4 }), 16, c);
    // Retriggered on beat 3 of the clock (tick 45): the clip starts over there, and a beat later
    // (15 ticks) is a quarter of the way through.
    expect(after[0]).toBe(0);
    expect(after[15]).toBe(12);
  });
});
