import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { startHost, surfaceUrl, type HostProcess } from './host-process.js';

export interface Surface {
  readonly host: HostProcess;
  readonly browser: Browser;
  /** The control surface's address, e.g. http://127.0.0.1:41234. */
  readonly base: string;
  /** The host's REST API: JSON in, JSON out. */
  api: <T = Record<string, unknown>>(method: string, url: string, body?: unknown) => Promise<T>;
  /** A parameter's base value as the host has it. */
  param: (path: string) => Promise<unknown>;
  /** A new page on the surface, on a tablet-sized touch screen unless told otherwise. */
  openPage: (options?: { width?: number; height?: number; touch?: boolean }) => Promise<Page>;
}

/**
 * For an end-to-end test file: the real host (the CLI with `args`, or the arguments `args()` returns once
 * it has made the files they name) serving the built control surface, and Debian's chromium; started
 * before the file's tests, stopped after them (then `cleanup`).
 */
export function useSurface(args: string[] | (() => string[] | Promise<string[]>), cleanup: () => void = () => {}): Surface {
  let host: HostProcess | null = null;
  let browser: Browser | null = null;
  let base = '';
  beforeAll(async () => {
    host = startHost(typeof args === 'function' ? await args() : args);
    base = await surfaceUrl(host);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    cleanup();
  });
  const surface: Surface = {
    get host() {
      return host!;
    },
    get browser() {
      return browser!;
    },
    get base() {
      return base;
    },
    api: async <T,>(method: string, url: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${base}/api${url}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
      return (await response.json()) as T;
    },
    param: async (path: string): Promise<unknown> => (await surface.api<{ base: unknown }>('GET', `/params${path}`)).base,
    openPage: async ({ width = 1024, height = 768, touch = true } = {}) => {
      const page = await (await browser!.newContext({ viewport: { width, height }, hasTouch: touch })).newPage();
      await page.goto(`${base}/`);
      return page;
    },
  };
  return surface;
}
