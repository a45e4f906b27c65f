import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The NDI runtime leaves an empty marker file in the temp folder for every sender and receiver name it
 * has seen (`NTK_SEND_<name>`, `NTK_RECV_<name>`), and no API removes them. The run removes those it
 * made: the ones that were not there when it started.
 */
const marker = /^NTK_(SEND|RECV)_/;
let before = new Set<string>();

function markers(): string[] {
  try {
    return fs.readdirSync(os.tmpdir()).filter((name) => marker.test(name));
  } catch {
    return [];
  }
}

export function setup(): void {
  before = new Set(markers());
}

export function teardown(): void {
  for (const name of markers()) if (!before.has(name)) fs.rmSync(path.join(os.tmpdir(), name), { force: true });
}
