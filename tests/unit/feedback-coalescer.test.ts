import { describe, expect, it } from 'vitest';
import { FeedbackCoalescer, type PendingChange } from '../../params/feedback-coalescer.js';
import { ParamSpace } from '../../params/param-space.js';
import { feedbackParams } from '../../pipelines/builtins/feedback.js';

function space(): ParamSpace {
  const params = new ParamSpace();
  params.add('/fx', feedbackParams, { zoom: 1, rotation: 0 });
  return params;
}

describe('feedback coalescer (the one path from a change to OSC, MIDI, OSCQuery and socket surfaces)', () => {
  it('sends a frame\'s changes together as soon as the frame applies them, then holds faster ones back and sends only the latest', () => {
    const params = space();
    const now = 0; // the coalescer's clock: its rate is checked without waiting for time to pass
    const coalescer = new FeedbackCoalescer(params, { rateHz: 30, burst: 1, now: () => now });
    const deliveries: Record<string, unknown>[] = [];
    coalescer.add({ wants: () => true, deliver: (changes) => deliveries.push(Object.fromEntries([...changes].map((c: PendingChange) => [c.entry.path, c.value]))) });

    params.set('/fx/zoom', 2);
    params.set('/fx/rotation', 10);
    expect(deliveries).toEqual([]); // queued, not applied yet
    params.applyPending();
    // One message with both, before the frame renders.
    expect(deliveries).toEqual([{ '/fx/zoom': 2, '/fx/rotation': 10 }]);

    // No delivery left (burst 1, no time passed): changes wait and coalesce to the latest value.
    for (const zoom of [2.5, 3, 3.5]) {
      params.set('/fx/zoom', zoom);
      params.applyPending();
    }
    coalescer.flush();
    expect(deliveries[1]).toEqual({ '/fx/zoom': 3.5 });
    expect(deliveries).toHaveLength(2);
    coalescer.close();
  });

  it('a change made outside a frame (a morph step) goes out right after it, in the same turn of the event loop', async () => {
    const params = space();
    const coalescer = new FeedbackCoalescer(params);
    const got: unknown[] = [];
    coalescer.add({ wants: () => true, deliver: (changes) => got.push(...[...changes].map((c) => c.value)) });
    params.setNow('/fx/zoom', 3);
    expect(got).toEqual([]);
    await Promise.resolve();
    expect(got).toEqual([3]);
    coalescer.close();
  });

  it('never sends a surface its own change, and drops what was waiting for that path (it shows the newer value)', () => {
    const params = space();
    const now = 0; // one delivery each and no time passing: later changes wait
    const coalescer = new FeedbackCoalescer(params, { burst: 1, now: () => now });
    const got: Record<string, string[]> = { tablet: [], page: [] };
    for (const name of ['tablet', 'page'] as const) {
      coalescer.add({ wants: (_entry, origin) => origin !== name, deliver: (changes) => { for (const c of changes) got[name]!.push(`${c.entry.path}=${String(c.value)}`); } });
    }
    params.set('/fx/rotation', 5, 'ui');
    params.applyPending(); // both hear it, and use their one delivery
    params.set('/fx/zoom', 2, 'page');
    params.applyPending(); // waits for the tablet
    params.set('/fx/zoom', 3, 'tablet');
    params.applyPending(); // the tablet shows 3 itself: what waited for it goes; the page waits for 3
    coalescer.flush();
    expect(got.tablet).toEqual(['/fx/rotation=5']);
    expect(got.page).toEqual(['/fx/rotation=5', '/fx/zoom=3']);
    coalescer.close();
  });

  it('a removed surface gets nothing more, and a closed coalescer stops hearing changes', () => {
    const params = space();
    const coalescer = new FeedbackCoalescer(params);
    const got: unknown[] = [];
    const handle = coalescer.add({ wants: () => true, deliver: (changes) => got.push(...changes) });
    params.set('/fx/zoom', 2);
    handle.remove();
    params.applyPending();
    coalescer.flush();
    expect(got).toEqual([]);
    coalescer.close();
  });
});
