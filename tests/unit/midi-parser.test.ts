import { describe, expect, it } from 'vitest';
import { MidiClock } from '../../inputs/midi/midi-clock.js';
import { MidiParser, type MidiEvent } from '../../inputs/midi/midi-parser.js';

function parse(...chunks: number[][]): Omit<MidiEvent, 'time'>[] {
  const events: MidiEvent[] = [];
  const parser = new MidiParser((e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk, 0);
  return events.map(({ time: _time, ...rest }) => rest);
}

describe('MIDI parser', () => {
  it.each([
    ['note on', [[0x90, 60, 100]], [{ type: 'noteOn', channel: 1, note: 60, velocity: 100 }]],
    ['note on with velocity 0 is note off', [[0x93, 60, 0]], [{ type: 'noteOff', channel: 4, note: 60, velocity: 0 }]],
    ['note off', [[0x8f, 61, 64]], [{ type: 'noteOff', channel: 16, note: 61, velocity: 64 }]],
    ['control change', [[0xb0, 74, 127]], [{ type: 'cc', channel: 1, controller: 74, value: 127 }]],
    ['pitch bend, 14-bit, centre', [[0xe1, 0x00, 0x40]], [{ type: 'pitchBend', channel: 2, value: 8192 }]],
    ['pitch bend, top', [[0xe1, 0x7f, 0x7f]], [{ type: 'pitchBend', channel: 2, value: 16383 }]],
    ['channel pressure', [[0xd2, 90]], [{ type: 'channelPressure', channel: 3, value: 90 }]],
    ['poly pressure', [[0xa0, 60, 33]], [{ type: 'polyPressure', channel: 1, note: 60, value: 33 }]],
    ['program change', [[0xc5, 7]], [{ type: 'programChange', channel: 6, program: 7 }]],
    ['song position', [[0xf2, 0x10, 0x01]], [{ type: 'songPosition', sixteenths: 144 }]],
    ['realtime', [[0xfa, 0xf8, 0xfb, 0xfc, 0xfe, 0xff]], [{ type: 'start' }, { type: 'clock' }, { type: 'continue' }, { type: 'stop' }]],
    ['stray data bytes with no status are ignored', [[0x12, 0x34, 0x90, 60, 1]], [{ type: 'noteOn', channel: 1, note: 60, velocity: 1 }]],
    [
      'running status across notes, split over callbacks',
      [[0x90, 60, 100, 62], [90, 64, 0]],
      [
        { type: 'noteOn', channel: 1, note: 60, velocity: 100 },
        { type: 'noteOn', channel: 1, note: 62, velocity: 90 },
        { type: 'noteOff', channel: 1, note: 64, velocity: 0 },
      ],
    ],
    [
      'realtime bytes inside a running-status message',
      [[0xb0, 1, 0xf8, 10, 2, 0xf8, 20]],
      [
        { type: 'clock' },
        { type: 'cc', channel: 1, controller: 1, value: 10 },
        { type: 'clock' },
        { type: 'cc', channel: 1, controller: 2, value: 20 },
      ],
    ],
    [
      'a system common message cancels running status',
      [[0x90, 60, 100, 0xf3, 5, 61, 100]],
      [{ type: 'noteOn', channel: 1, note: 60, velocity: 100 }],
    ],
  ] as const)('%s', (_name, chunks, expected) => {
    expect(parse(...(chunks as unknown as number[][]))).toEqual(expected);
  });

  it('pairs 14-bit CCs (MSB 0-31 then LSB 32-63), also under running status', () => {
    const events = parse([0xb0, 1, 0x40, 33, 0x01, 1, 0x7f, 33, 0x7f]).filter((e) => e.type === 'cc14');
    expect(events).toEqual([
      { type: 'cc14', channel: 1, controller: 1, value: (0x40 << 7) | 1 },
      { type: 'cc14', channel: 1, controller: 1, value: 16383 },
    ]);
    // An LSB with no MSB seen yet is a plain CC only.
    expect(parse([0xb2, 40, 5])).toEqual([{ type: 'cc', channel: 3, controller: 40, value: 5 }]);
  });

  it('assembles NRPN and RPN values, with data increment and decrement', () => {
    const nrpn = parse([0xb0, 99, 1, 98, 2, 6, 64, 38, 3, 96, 0, 97, 0, 97, 0]).filter((e) => e.type === 'nrpn');
    expect(nrpn).toEqual([
      { type: 'nrpn', channel: 1, parameter: 130, value: 64 << 7 },
      { type: 'nrpn', channel: 1, parameter: 130, value: (64 << 7) | 3 },
      { type: 'nrpn', channel: 1, parameter: 130, value: (64 << 7) | 4 },
      { type: 'nrpn', channel: 1, parameter: 130, value: (64 << 7) | 3 },
      { type: 'nrpn', channel: 1, parameter: 130, value: (64 << 7) | 2 },
    ]);
    const rpn = parse([0xb4, 101, 0, 100, 0, 6, 2]).filter((e) => e.type === 'rpn');
    expect(rpn).toEqual([{ type: 'rpn', channel: 5, parameter: 0, value: 2 << 7 }]);
    // The RPN null parameter selects nothing: data entry then changes nothing.
    expect(parse([0xb0, 101, 127, 100, 127, 6, 10]).filter((e) => e.type === 'rpn')).toEqual([]);
  });

  it('skips 10 KB of SysEx interleaved with realtime bytes, and carries on', () => {
    const sysex: number[] = [0xf0, 0x7e];
    for (let i = 0; i < 10_240; i++) {
      sysex.push(i & 0x7f);
      if (i % 1000 === 0) sysex.push(0xf8);
    }
    sysex.push(0xf7);
    const events: MidiEvent[] = [];
    const parser = new MidiParser((e) => events.push(e));
    parser.feed([0x90, 60, 100], 0);
    parser.feed(sysex, 0);
    parser.feed([61, 100], 0); // running status was cancelled by SysEx: stray
    parser.feed([0xb0, 7, 99], 0);
    expect(events.filter((e) => e.type === 'clock')).toHaveLength(11);
    expect(events.filter((e) => e.type !== 'clock')).toEqual([
      { type: 'noteOn', channel: 1, note: 60, velocity: 100, time: 0 },
      { type: 'cc', channel: 1, controller: 7, value: 99, time: 0 },
    ]);
    expect(parser.sysexMessages).toBe(1);
    expect(parser.strayBytes).toBe(2);
  });

  it('an unterminated SysEx ends at the next status byte', () => {
    expect(parse([0xf0, 1, 2, 3, 0x90, 60, 1])).toEqual([{ type: 'noteOn', channel: 1, note: 60, velocity: 1 }]);
  });
});

describe('MIDI clock', () => {
  it('clock at 128 BPM gives 128 +- 0.5 after 2 s of ticks, jitter included', () => {
    const clock = new MidiClock();
    const interval = 60_000 / (128 * 24);
    let seed = 7;
    let bpm: number | null = null;
    for (let i = 0, t = 0; t < 2000; i++, t = i * interval) {
      seed = (seed * 16807) % 2147483647;
      bpm = clock.tick(t + ((seed / 2147483647) - 0.5) * 2); // +-1 ms of jitter per tick
    }
    expect(bpm).not.toBeNull();
    expect(Math.abs(bpm! - 128)).toBeLessThan(0.5);
  });

  it('follows a tempo change within two beats and starts over after a pause', () => {
    const clock = new MidiClock();
    let t = 0;
    for (let i = 0; i < 96; i++) clock.tick((t += 60_000 / (120 * 24)));
    expect(clock.bpm()).toBeCloseTo(120, 6);
    for (let i = 0; i < 48; i++) clock.tick((t += 60_000 / (90 * 24)));
    expect(clock.bpm()).toBeCloseTo(90, 6);
    clock.tick(t + 2000);
    expect(clock.bpm()).toBeNull();
  });
});
