import os from 'node:os';
import path from 'node:path';

/**
 * A test run's identity, shared by the global setup (which makes the run's temp folder and checks what the
 * run leaves) and the helpers that name things outside that folder (shm files).
 */
export const RUN_TEMP_PREFIX = 'vj-host-run-';
/** Names the tests give shm files start with this, then the run's tag. */
export const TEST_SHM_PREFIX = 'vj-host-test-';

/** The tag of the run this process belongs to: its temp folder's suffix (`solo` outside a suite run). */
export function runTag(tempDir = os.tmpdir()): string {
  const name = path.basename(tempDir);
  return name.startsWith(RUN_TEMP_PREFIX) ? name.slice(RUN_TEMP_PREFIX.length) : 'solo';
}
