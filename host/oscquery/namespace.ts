import type { ParamInfo } from '../../core/params.js';
import type { ActionInfo } from '../actions.js';
import type { ParamEntry } from '../param-space.js';

/** OSCQuery node, as the proposal names its attributes. */
export interface OscQueryNode {
  FULL_PATH: string;
  DESCRIPTION?: string;
  CONTENTS?: Record<string, OscQueryNode>;
  TYPE?: string;
  ACCESS?: number;
  VALUE?: unknown[];
  RANGE?: ({ MIN?: number; MAX?: number } | { VALS: unknown[] })[];
  UNIT?: string[];
}

export const ACCESS_NONE = 0;
export const ACCESS_READ_WRITE = 3;
export const ACCESS_WRITE = 2;

/** OSC type tag of a parameter kind. */
export function oscTypeOf(info: Pick<ParamInfo, 'kind'>): string {
  switch (info.kind) {
    case 'number':
      return 'f';
    case 'integer':
      return 'i';
    case 'boolean':
      return 'T';
    case 'enum':
    case 'color':
    case 'string':
      return 's';
  }
}

function leafFor(entry: ParamEntry): OscQueryNode {
  const info = entry.info;
  const node: OscQueryNode = {
    FULL_PATH: entry.path,
    TYPE: oscTypeOf(info),
    ACCESS: ACCESS_READ_WRITE,
    VALUE: [entry.base],
    DESCRIPTION: info.description ?? info.label ?? info.name,
  };
  if (info.kind === 'number' || info.kind === 'integer') node.RANGE = [{ MIN: info.min, MAX: info.max }];
  if (info.kind === 'enum') node.RANGE = [{ VALS: info.options ?? [] }];
  if (info.unit) node.UNIT = [info.unit];
  return node;
}

/** The whole namespace, built from the live address space (the same schemas everything else reads). */
export function buildNamespace(params: readonly ParamEntry[], actions: readonly ActionInfo[]): OscQueryNode {
  const root: OscQueryNode = { FULL_PATH: '/', ACCESS: ACCESS_NONE, CONTENTS: {}, DESCRIPTION: 'vj-host' };
  const place = (path: string, leaf: OscQueryNode): void => {
    const parts = path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      node.CONTENTS ??= {};
      if (i === parts.length - 1) {
        node.CONTENTS[part] = leaf;
        return;
      }
      node.CONTENTS[part] ??= { FULL_PATH: `/${parts.slice(0, i + 1).join('/')}`, ACCESS: ACCESS_NONE, CONTENTS: {} };
      node = node.CONTENTS[part];
    });
  };
  for (const entry of params) place(entry.path, leafFor(entry));
  for (const action of actions) place(action.path, { FULL_PATH: action.path, TYPE: 'N', ACCESS: ACCESS_WRITE, DESCRIPTION: action.description });
  return root;
}

/** The node at `path` ("/" for the root), or undefined. */
export function nodeAt(root: OscQueryNode, path: string): OscQueryNode | undefined {
  let node: OscQueryNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) node = node?.CONTENTS?.[part];
  return node;
}
