import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../control-surface/server.js';
import { PresetStore } from '../../presets/preset-store.js';
import { controlHarness, type ControlHarness } from '../helpers/control-harness.js';
import { tempDir } from '../helpers/host-process.js';
import { until } from '../helpers/until.js';

// Bad input and strangers against the control API: fastify's inject (no sockets) unless a test listens.
let h: ControlHarness;
afterEach(async () => {
  await h.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await h.server.app.inject({ method, url, ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}), headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, body: res.json<{ error: string; message: string; problems: string[] } & Record<string, unknown>>() };
}

describe('bodies as large and as deep as an attacker makes them', () => {
  it('6,500 unknown fields: one capped answer (first 20 problems, then a count), and the frame loop keeps ticking', async () => {
    h = await controlHarness();
    const junk: Record<string, number> = {};
    for (let i = 0; i < 6_500; i++) junk[`k${i.toString(36)}`] = 1;
    const body = JSON.stringify({ changes: {}, ...junk });
    expect(body.length).toBeLessThan(64 * 1024);
    const answer = await call('PATCH', '/api/params', body);
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toHaveLength(21);
    expect(answer.body.problems[0]).toBe('body.k0: is not a known field');
    expect(answer.body.problems[20]).toBe('… and 6480 more problems');
    h.driver.tick();
    expect(h.engine.stats().frames).toBe(1);
  });

  it('a body over 64 KB is refused by its size; a whole show may be 256 KB', async () => {
    h = await controlHarness();
    const big = await call('PATCH', '/api/params', JSON.stringify({ changes: { '/mixer/crossfade': 0.5 }, pad: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    const show = (await call('GET', '/api/show')).body;
    expect((await call('PUT', '/api/show', { ...show, name: 'x'.repeat(150_000) })).status).toBe(400); // read and checked: too long a name
    expect((await call('PUT', '/api/show', { ...show, name: 'x'.repeat(300_000) })).status).toBe(413);
  });

  it('10,000 levels of nesting: 400 naming the depth, on PUT /show, POST /routes and PATCH /outputs', async () => {
    h = await controlHarness();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const [method, url] of [['PUT', '/api/show'], ['POST', '/api/routes'], ['PATCH', '/api/outputs/x']] as const) {
      const answer = await call(method, url, deep);
      expect([url, answer.status, answer.body.problems]).toEqual([url, 400, ['body: nested deeper than 64 levels']]);
    }
  });

  it('a socket subscribe with 60 KB of bad names is refused with a capped report and the frame loop runs on', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const socket = connect(url, { transports: ['websocket'], reconnection: false });
    try {
      const refused: { problems: string[] }[] = [];
      socket.on('refused', (r: { problems: string[] }) => refused.push(r));
      await new Promise<void>((resolve) => socket.once('params:list', () => resolve()));
      socket.emit('subscribe', { signals: { names: Array.from({ length: 40 }, () => 'x'.repeat(1500)), rate: 10 } });
      await until(() => refused.length === 1, 5000, 'the refusal');
      expect(refused[0]!.problems.length).toBeLessThanOrEqual(21);
      expect(refused[0]!.problems.at(-1)).toMatch(/more problems$/);
    } finally {
      socket.close();
    }
  });
});

describe('presets from outside the folder, and files that are not presets', () => {
  it('a bank name that climbs out of the folder is refused; listings name files relative to the folder', async () => {
    h = await controlHarness();
    const answer = await call('GET', '/api/presets?bank=../../..');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/bank name/);
  });

  it('a FIFO, a 700 MB file and a symlink to a file outside are skipped without blocking or quoting them', async () => {
    h = await controlHarness();
    const dir = h.show.presets.dir;
    const bank = path.join(dir, 'default');
    fs.mkdirSync(bank, { recursive: true });
    execFileSync('mkfifo', [path.join(bank, 'pipe.json')]);
    const huge = fs.openSync(path.join(bank, 'huge.json'), 'w');
    fs.ftruncateSync(huge, 700 * 1024 * 1024); // sparse: no disk used
    fs.closeSync(huge);
    const secret = path.join(path.dirname(dir), 'secret.txt');
    fs.writeFileSync(secret, 'root:x:0:0:secret');
    fs.symlinkSync(secret, path.join(bank, 'link.json'));
    fs.writeFileSync(path.join(bank, 'text.json'), 'root:x:0:0:not json');
    const saved = await call('POST', '/api/presets', { name: 'Real' });
    expect(saved.status).toBe(201);
    const listed = await call('GET', '/api/presets');
    expect((listed.body.presets as { name: string }[]).map((p) => p.name)).toEqual(['Real']);
    const problems = JSON.stringify(listed.body.problems);
    expect(problems).not.toContain('root:x');
    expect(problems).not.toContain(dir);
    expect(listed.body.problems).toEqual(expect.arrayContaining([
      { file: 'default/huge.json', reason: 'default/huge.json: 734003200 bytes, larger than a preset can be (1048576)' },
      { file: 'default/text.json', reason: 'default/text.json: not valid JSON' },
    ]));
    expect((await call('GET', '/api/presets/default/link')).body.message).toMatch(/symlink/);
  });

  it('temp files of interrupted writes are removed on start, those of a live process kept', () => {
    h = { close: async () => {} } as ControlHarness;
    const dir = tempDir('temps');
    try {
      fs.mkdirSync(path.join(dir, 'live'));
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      fs.writeFileSync(path.join(dir, 'live', `.Look.json.${dead}.abc123.tmp`), '{');
      fs.writeFileSync(path.join(dir, `.live-state.json.${dead}.x9.tmp`), '{');
      fs.writeFileSync(path.join(dir, 'live', `.Other.json.${process.ppid}.keep.tmp`), '{');
      expect(new PresetStore(dir).cleanTemps()).toBe(2);
      expect(fs.readdirSync(path.join(dir, 'live'))).toEqual([`.Other.json.${process.ppid}.keep.tmp`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nobody gets in who should not', () => {
  it('a request naming another host (DNS rebinding) or from another origin is refused, reads included', async () => {
    h = await controlHarness();
    expect((await call('GET', '/api/params', undefined, { host: 'evil.example:8080' })).status).toBe(403);
    expect((await call('GET', '/api/params', undefined, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('POST', '/api/outputs/x/stop', undefined, { origin: 'http://127.0.0.1:9999', host: '127.0.0.1:8080' })).status).toBe(403);
    expect((await call('GET', '/api/params', undefined, { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' })).status).toBe(200);
    expect((await call('GET', '/api/health', undefined, { host: '127.0.0.1:8080' })).status).toBe(200);
  });

  it('the token is taken as "bearer" in any case, and a page opened with it gets a cookie for its assets', async () => {
    h = await controlHarness({ token: 'tablet-token-42' });
    expect((await call('GET', '/api/health', undefined, { authorization: 'bearer tablet-token-42' })).status).toBe(200);
    expect((await call('GET', '/api/health', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    const page = await h.server.app.inject({ method: 'GET', url: '/?token=tablet-token-42' });
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/^vjhost_token=tablet-token-42; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await call('GET', '/api/health', undefined, { cookie: 'vjhost_token=tablet-token-42' })).status).toBe(200);
  });

  it('a tap with at: 1e308 is refused; the next taps keep the finger’s rhythm', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const socket = connect(url, { transports: ['websocket'], reconnection: false });
    try {
      const refused: unknown[] = [];
      socket.on('refused', (r: unknown) => refused.push(r));
      await new Promise<void>((resolve) => socket.once('params:list', () => resolve()));
      socket.emit('action', { path: '/clock/tap', at: 1e308 });
      await until(() => refused.length === 1, 5000, 'the refusal');
      const start = performance.now();
      for (let i = 0; i < 4; i++) socket.emit('action', { path: '/clock/tap', at: start + i * 500 });
      await until(() => {
        h.driver.tick();
        return Math.abs((h.engine.params.get('/clock/bpm') as number) - 120) < 0.5;
      }, 5000, '120 BPM from taps 500 ms apart');
    } finally {
      socket.close();
    }
  });
});

describe('the show document through the API', () => {
  const withRtmp = (doc: Record<string, unknown>): void => {
    doc.fps = 60;
    doc.outputs = [...((doc.outputs as unknown[]) ?? []), { type: 'rtmp', id: 'cli-stream', url: 'rtmp://127.0.0.1/live/cli-secret-key', enabled: false }];
  };

  it('GET is the file as written, without the command line\'s overrides or a stream key; GET -> PUT leaves the file as it was', async () => {
    h = await controlHarness({ file: { outputs: [{ type: 'rtmp', id: 'stream', url: 'rtmp://127.0.0.1/live/file-secret-key', enabled: false }] }, commandLine: withRtmp });
    const before = JSON.parse(fs.readFileSync(h.showFile, 'utf8')) as Record<string, unknown>;
    const got = await call('GET', '/api/show');
    const text = JSON.stringify(got.body);
    expect(text).not.toContain('secret-key');
    expect(text).not.toContain('cli-stream');
    expect(got.body.fps).toBe(30);
    expect(await call('PUT', '/api/show', got.body)).toMatchObject({ status: 200 });
    const after = JSON.parse(fs.readFileSync(h.showFile, 'utf8')) as { outputs: { url: string }[]; fps: number };
    expect(after.outputs).toEqual([expect.objectContaining({ id: 'stream', url: 'rtmp://127.0.0.1/live/file-secret-key' })]);
    expect(after.fps).toBe(30);
    expect(after.outputs.length).toBe((before.outputs as unknown[]).length);
  });

  it('what opens the host to the network or points it at paths is refused with 403 naming the fields; the file is untouched', async () => {
    h = await controlHarness();
    const good = (await call('GET', '/api/show')).body;
    const fileBefore = fs.readFileSync(h.showFile, 'utf8');
    for (const [change, field] of [
      [{ control: { lan: true } }, 'control'],
      [{ osc: { bind: '0.0.0.0', enabled: false } }, 'osc.bind'],
      [{ presets: { dir: '/etc', autosave: false } }, 'presets.dir'],
      [{ audio: { source: 'file', file: '/etc/shadow' } }, 'audio.file'],
      [{ outputs: [{ type: 'record', dir: '/tmp/anywhere' }] }, 'outputs[0].dir'],
      [{ size: '8192x8192' }, 'size'],
      [{ fps: 240 }, 'fps'],
    ] as const) {
      const answer = await call('PUT', '/api/show', { ...good, ...change });
      expect([field, answer.status, answer.body.problems.join(' ')]).toEqual([field, 403, expect.stringContaining(`${field}:`)]);
    }
    expect(fs.readFileSync(h.showFile, 'utf8')).toBe(fileBefore);
  });

  it('POST /api/outputs cannot create a recording folder of its choosing; the terminal\'s folders and the default are fine', async () => {
    h = await controlHarness();
    const elsewhere = path.join(path.dirname(h.showFile), 'made-by-api');
    const answer = await call('POST', '/api/outputs', { type: 'record', id: 'rec', dir: elsewhere, enabled: false });
    expect(answer).toMatchObject({ status: 403, body: { error: 'VJ_NEEDS_TERMINAL' } });
    expect(fs.existsSync(elsewhere)).toBe(false);
    expect((await call('POST', '/api/outputs', { type: 'record', id: 'rec', enabled: false })).status).toBe(201);
    expect((await call('PATCH', '/api/outputs/rec', { dir: elsewhere })).status).toBe(403);
  });
});

describe('caps on what one stranger can open', () => {
  it('at most 64 sockets: the 65th gets no handshake; one closing makes room', async () => {
    h = await controlHarness();
    const url = await listen(h.server, '127.0.0.1', 0);
    const open = (): Promise<ReturnType<typeof connect>> =>
      new Promise((resolve, reject) => {
        const s = connect(url, { transports: ['websocket'], reconnection: false });
        s.once('params:list', () => resolve(s));
        s.once('connect_error', (e) => {
          s.close();
          reject(e);
        });
      });
    const sockets = [];
    try {
      for (let i = 0; i < 64; i++) sockets.push(await open());
      await expect(open()).rejects.toThrow();
      sockets.pop()!.close();
      // Room again once the server has seen it go (the next attempt may come before that: ask again).
      let again: Awaited<ReturnType<typeof open>> | null = null;
      await until(async () => (again = await open().catch(() => null)) !== null, 5000, 'a place for a new socket');
      sockets.push(again!);
    } finally {
      for (const s of sockets) s.close();
    }
  });

  it('at most 256 HTTP connections at once: past them a request is cut, and served again once they close', async () => {
    h = await controlHarness();
    const url = new URL(await listen(h.server, '127.0.0.1', 0));
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 256; i++) {
        idle.push(await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(Number(url.port), '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        }));
      }
      // One more: closed by the server without a byte of answer.
      const answer = await new Promise<string>((resolve) => {
        let got = '';
        const s = net.connect(Number(url.port), '127.0.0.1', () => s.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\n\r\n`));
        s.on('data', (d: Buffer) => (got += d.toString()));
        s.on('close', () => resolve(got));
        s.on('error', () => undefined);
      });
      expect(answer).toBe('');
    } finally {
      for (const s of idle) s.destroy();
    }
    // (A request that reaches the server before it has counted the closed ones is still cut: ask again.)
    await until(async () => (await fetch(`${url.origin}/api/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0)) === 200, 10_000, 'the API served again');
  });
});
