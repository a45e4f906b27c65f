import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealtimeDriver } from '../../core/driver.js';
import { silentLog } from '../../core/log.js';
import { buildEngine } from '../../host/build-engine.js';
import { checkShow } from '../../host/show.js';
import { registerBuiltins } from '../../pipelines/builtins/index.js';
import { onnxPipeline } from '../../pipelines/onnx/onnx-pipeline.js';
import type { GovernorReport } from '../../pipelines/onnx/size-governor.js';
import { PipelineRegistry } from '../../pipelines/registry.js';
import { repoRoot, tempDir, writeJson } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// The frame-rate governor with a real style model (the project's models/) on the realtime clock, while
// other processes load every core of the machine. Rates are compared within the run: the model at its
// full working size under that load, then with a target it cannot reach at that size.
const dir = tempDir('model-governor');
const burners: ChildProcess[] = [];
afterAll(() => {
  for (const b of burners) b.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the frame-rate governor on a real model', () => {
  it('under a loaded CPU, a target the full size cannot reach: the working size shrinks and the model\'s rate rises', { timeout: 90_000 }, async () => {
    const doc = JSON.parse(fs.readFileSync(path.join(repoRoot, 'models', 'manifests', 'style-candy.json'), 'utf8')) as { model: string };
    const registry = new PipelineRegistry();
    registerBuiltins(registry);
    registry.register(onnxPipeline(writeJson(dir, 'style.json', { ...doc, model: path.join(repoRoot, 'models', doc.model), provider: 'cpu' })), 'test');
    const show = checkShow({
      size: '160x90', fps: 30,
      decks: [{ id: 'a', source: { pipeline: 'test-pattern', params: { speed: 0 } }, chain: [{ pipeline: 'style-candy', params: { workingWidth: 256, workingHeight: 144, minWidth: 64, targetFps: 0.5 } }] }],
      osc: { enabled: false },
    }, registry);
    const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
    try {
      await engine.start();
      // Every core busy with another process.
      for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      const report = () => (engine.stats().stages.find((s) => s.path === '/deck/a/fx/0')?.status?.detail?.governor ?? null) as GovernorReport | null;
      // A target it reaches at the full size: it measures there and holds it.
      await until(() => (report()?.fps ?? 0) > 0, 40_000, 'the rate measured at the full size');
      const full = report()!;
      expect(full.size).toBe('256x144');
      // Twice that: only a smaller size reaches it.
      engine.params.set('/deck/a/fx/0/targetFps', full.fps * 2);
      await until(() => {
        const now = report();
        return now !== null && now.size !== '256x144' && now.fps >= full.fps * 1.5;
      }, 60_000, 'a smaller size running faster');
      const governed = report()!;
      const [w, h] = governed.size.split('x').map(Number) as [number, number];
      expect(w * h).toBeLessThan(256 * 144);
      expect(w).toBeGreaterThanOrEqual(64);
      expect(governed.reason).toMatch(/fps/);
    } finally {
      for (const b of burners.splice(0)) b.kill('SIGKILL');
      await engine.stop();
    }
  });
});
