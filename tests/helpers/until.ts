/**
 * Waits for something a user would see (a state, a value arriving) without assuming how long it takes:
 * polls `check` until it holds, fails after `ms` naming what never happened. `between` runs before each
 * new look (ticking a manual clock).
 */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string, between?: () => void): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    between?.();
    await new Promise((r) => setTimeout(r, 15));
  }
}
