import type { Log } from '../../core/log.js';
import type { Manifest } from './manifest.js';
import { openSession, type OrtSession } from './model-loader.js';

interface Entry {
  opening: Promise<OrtSession>;
  users: number;
}

const sessions = new Map<string, Entry>();

/**
 * One session per model file and options, shared by every stage that uses it (the same model in two
 * decks): loaded once, one inference thread, memory once. Runs from the users queue on that thread,
 * which is safe (each run has its own inputs and outputs). The session is released with its last user.
 */
export async function acquireSession(manifest: Manifest & { modelPath: string }, log: Log): Promise<{ session: OrtSession; release: () => Promise<void> }> {
  const key = JSON.stringify([manifest.modelPath, manifest.provider, manifest.threads, manifest.inputs, manifest.outputs]);
  let entry = sessions.get(key);
  if (!entry) {
    entry = { opening: openSession(manifest, log), users: 0 };
    sessions.set(key, entry);
    const opened = entry;
    opened.opening.catch(() => {
      if (sessions.get(key) === opened) sessions.delete(key);
    });
  }
  entry.users++;
  const current = entry;
  let session: OrtSession;
  try {
    session = await current.opening;
  } catch (error) {
    current.users--;
    throw error;
  }
  let released = false;
  return {
    session,
    release: async () => {
      if (released) return;
      released = true;
      current.users--;
      if (current.users > 0) return;
      if (sessions.get(key) === current) sessions.delete(key);
      await session.release();
    },
  };
}

/** How many sessions are open (for tests and stats). */
export function openSessionCount(): number {
  return sessions.size;
}
