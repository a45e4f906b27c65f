import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { runTag, TEST_SHM_PREFIX } from './test-run.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'app', 'cli.js');

export interface HostProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the combined output matches, rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

/**
 * Starts the real CLI (built JS) as a child process, logs as JSON lines. OSC and OSCQuery take free
 * ports unless the test names them, so hosts running side by side never fight over 9000/9001.
 */
export function startHost(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): HostProcess {
  // Each host gets its own presets folder: no test resumes another's live state, none writes to the user's.
  const presets = fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-test-presets-'));
  // The embedded default show writes /dev/shm/vj-host: a test's host gets a name of its own instead.
  const shm = args.includes('--show') || args.includes('--shm-name') ? null : uniqueShmName('default');
  const child = spawn(process.execPath, [cliPath, '--log-format', 'json', '--osc-port', '0', '--oscquery-port', '0', '--ui-port', '0', '--presets', presets, ...(shm ? ['--shm-name', shm] : []), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      // What the host left (its presets folder, the shm file and the encoders' pipe folders of a killed
      // host) goes with it.
      fs.rmSync(presets, { recursive: true, force: true });
      if (shm) fs.rmSync(path.join('/dev/shm', shm), { force: true });
      if (child.pid !== undefined) removePipeFolders(child.pid);
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms = HOST_START_MS) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (pattern.test(out)) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - started > ms || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`output never matched ${String(pattern)}:\n${out}`));
          }
        }, 20);
      });
    },
    async stop(signal = 'SIGINT') {
      const started = Date.now();
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

/** Runs the CLI to completion (for commands that exit by themselves); it loads what a host does, so it may take as long to exit. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const timeoutMs = options.timeoutMs ?? HOST_START_MS;
  return new Promise((resolve, reject) => {
    // Subcommands (`vj-host models add`) come first and log nothing.
    const logging = args[0] === 'models' ? [] : ['--log-format', 'json'];
    const child = spawn(process.execPath, [cliPath, ...logging, ...args], { cwd: options.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vj-host ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * How long a host may take to say it is up (or to say what the test waits for). A liveness bound, not a
 * speed check: a host starts in about 3 s on a quiet machine, and up to five times that while the suite
 * keeps both cores busy (a model and the GPU device open at every start of the default show).
 */
export const HOST_START_MS = 25_000;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vj-host-test-${prefix}-`));
}

const SURFACE_LINE = /control surface at (http:\/\/127\.0\.0\.1:\d+)\//;

/** The control surface's address, once the host has printed it. */
export async function surfaceUrl(host: HostProcess, ms = HOST_START_MS): Promise<string> {
  await host.waitFor(SURFACE_LINE, ms);
  return SURFACE_LINE.exec(host.output())![1]!;
}

/** A shm file name no other test run uses. */
export function uniqueShmName(label: string): string {
  return `${TEST_SHM_PREFIX}${runTag()}-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

/**
 * For a test file whose tests each start the real host: `start` runs one (stopped with SIGKILL after
 * the test, whatever happened) and `remove` names files and folders the test made (removed after it).
 */
export function hostPerTest(): { start: typeof startHost; remove: (...paths: string[]) => void } {
  let host: HostProcess | null = null;
  const paths: string[] = [];
  afterEach(async () => {
    await host?.stop('SIGKILL');
    host = null;
    for (const p of paths.splice(0)) fs.rmSync(p, { recursive: true, force: true });
  });
  return {
    start: (args, options) => (host = startHost(args, options)),
    remove: (...more) => void paths.push(...more),
  };
}

/** The encoders' pipe folders a host process made (a killed one cannot remove them itself). */
export function removePipeFolders(pid: number): void {
  const prefix = `vj-host-frames-${pid}-`;
  for (const name of fs.readdirSync(os.tmpdir())) if (name.startsWith(prefix)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
}
