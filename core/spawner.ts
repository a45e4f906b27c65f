import { fork, spawn, type ChildProcess } from 'node:child_process';
import { distPath } from './dist-path.js';

export type HelperRequest =
  | { type: 'spawn'; id: number; command: string; args: string[] }
  | { type: 'kill'; id: number; signal: NodeJS.Signals };

export type HelperEvent =
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'stderr'; id: number; text: string }
  | { type: 'error'; id: number; code: string | null; message: string }
  | { type: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null };

/** A child started through the spawner: its stderr, its end, and a way to end it. stdin and stdout are not connected. */
export interface Spawned {
  onStderr(listener: (text: string) => void): void;
  /** The command could not start (`code` ENOENT: not found). */
  onError(listener: (code: string | null, message: string) => void): void;
  /** The child is gone and all its stderr is in. */
  onClose(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

interface Listeners {
  stderr: ((text: string) => void)[];
  error: ((code: string | null, message: string) => void)[];
  close: ((code: number | null, signal: NodeJS.Signals | null) => void)[];
  killed: NodeJS.Signals | null;
}

/**
 * Starts children without stalling the frame loop. A spawn is a fork of the calling process, which takes
 * as long as its memory is large: 35 ms from a host holding a 1 GB clip cache, measured here — a frame
 * and more, each time a video source starts ffmpeg. So children are started by a small helper process
 * (spawner-helper.ts), forked once while the host is still small; the host only sends it a message.
 */
class Spawner {
  private helper: ChildProcess | null = null;
  private nextId = 1;
  private readonly live = new Map<number, Listeners>();
  private readonly direct = new Map<number, ChildProcess>();

  /** Starts the helper now (at start-up, while the host is small) rather than at the first spawn. */
  warm(): void {
    this.ensure();
  }

  spawn(command: string, args: string[]): Spawned {
    const id = this.nextId++;
    const entry: Listeners = { stderr: [], error: [], close: [], killed: null };
    this.live.set(id, entry);
    const helper = this.ensure();
    this.holdOpen();
    if (helper) helper.send({ type: 'spawn', id, command, args } satisfies HelperRequest);
    else this.spawnHere(id, command, args);
    return {
      onStderr: (l) => void entry.stderr.push(l),
      onError: (l) => void entry.error.push(l),
      onClose: (l) => void entry.close.push(l),
      kill: (signal = 'SIGTERM') => {
        if (!this.live.has(id)) return;
        entry.killed = signal;
        if (helper?.connected) helper.send({ type: 'kill', id, signal } satisfies HelperRequest);
        this.direct.get(id)?.kill(signal);
      },
    };
  }

  private ensure(): ChildProcess | null {
    if (this.helper?.connected) return this.helper;
    try {
      const helper = fork(distPath(import.meta.url, 'core', 'spawner-helper.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [], serialization: 'json' });
      helper.on('message', (event: HelperEvent) => this.event(event));
      // The helper died (killed from outside): what it ran is gone with it, said as a signal.
      helper.on('exit', () => {
        if (this.helper === helper) this.helper = null;
        for (const id of [...this.live.keys()]) this.event({ type: 'close', id, code: null, signal: 'SIGKILL' });
      });
      helper.unref();
      helper.channel?.unref();
      this.helper = helper;
      return helper;
    } catch {
      return null;
    }
  }

  private event(e: HelperEvent): void {
    const entry = this.live.get(e.id);
    if (!entry) return;
    if (e.type === 'stderr') for (const l of entry.stderr) l(e.text);
    else if (e.type === 'error') for (const l of entry.error) l(e.code, e.message);
    else if (e.type === 'close') {
      this.live.delete(e.id);
      this.holdOpen();
      for (const l of entry.close) l(e.code, e.signal);
    } else if (entry.killed) this.helper?.send({ type: 'kill', id: e.id, signal: entry.killed } satisfies HelperRequest);
  }

  /** A process waiting on a child stays alive, as it would with the child its own; with none, the helper keeps nothing alive. */
  private holdOpen(): void {
    const helper = this.helper;
    if (!helper) return;
    if (this.live.size > 0) {
      helper.ref();
      helper.channel?.ref();
    } else {
      helper.unref();
      helper.channel?.unref();
    }
  }

  /** Where no helper can start: the child from this process (a fork of it, as before). */
  private spawnHere(id: number, command: string, args: string[]): void {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.direct.set(id, child);
    child.stderr.on('data', (chunk: Buffer) => this.event({ type: 'stderr', id, text: chunk.toString() }));
    child.on('error', (error: NodeJS.ErrnoException) => this.event({ type: 'error', id, code: error.code ?? null, message: error.message }));
    child.on('close', (code, signal) => {
      this.direct.delete(id);
      this.event({ type: 'close', id, code, signal });
    });
  }
}

/** The host's one spawner. */
export const spawner = new Spawner();
