import type { ParamInfo } from '../../core/params.js';
import { paramKinds } from '../../params/kinds.js';
import type { ActionArg, ActionInfo } from '../../params/actions.js';
import type { ParamEntry } from '../../params/param-space.js';

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
  TAGS?: string[];
  CRITICAL?: boolean;
}

export const ACCESS_NONE = 0;
export const ACCESS_READ_WRITE = 3;
export const ACCESS_WRITE = 2;

/** OSC type tags of a parameter. */
export function oscTypeOf(info: ParamInfo): string {
  return paramKinds[info.kind].oscType(info);
}

/** OSC type tag of an action argument: that of the parameter kind it is sent as (a slot or a name as text). */
function actionArgType(arg: ActionArg): string {
  return oscTypeOf({ name: arg.name, kind: arg.kind === 'slot-or-name' ? 'string' : arg.kind, default: null, live: true, modulatable: false });
}

function actionLeaf(action: ActionInfo): OscQueryNode {
  const node: OscQueryNode = { FULL_PATH: action.path, TYPE: action.args.length ? action.args.map(actionArgType).join('') : 'N', ACCESS: ACCESS_WRITE, DESCRIPTION: action.description };
  if (action.args.length) node.RANGE = action.args.map((a) => (a.kind === 'number' || a.kind === 'integer' ? { MIN: a.min, MAX: a.max } : {}));
  // A generic client draws a toggle for any T address: say that this one stops a running output.
  if (/^\/output\/[^/]+\/(enabled|stop)$/.test(action.path)) {
    node.TAGS = ['output', 'stops-output'];
    node.CRITICAL = true;
    node.DESCRIPTION = `${action.description} Stops the output when sent 0 or false: not a button to leave on a generic page.`;
  }
  return node;
}

function leafFor(entry: ParamEntry): OscQueryNode {
  const info = entry.info;
  const node: OscQueryNode = {
    FULL_PATH: entry.path,
    TYPE: oscTypeOf(info),
    ACCESS: ACCESS_READ_WRITE,
    // VALUE holds one entry per argument: a vector's components, any other kind its one value.
    VALUE: Array.isArray(entry.base) ? [...(entry.base as unknown[])] : [entry.base],
    DESCRIPTION: info.description ?? info.label ?? info.name,
  };
  const range = paramKinds[info.kind].range(info);
  if (range) node.RANGE = range;
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
  for (const action of actions) place(action.path, actionLeaf(action));
  return root;
}

/** The node at `path` ("/" for the root), or undefined. */
export function nodeAt(root: OscQueryNode, path: string): OscQueryNode | undefined {
  let node: OscQueryNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) node = node?.CONTENTS?.[part];
  return node;
}
