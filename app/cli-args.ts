import { parseArgs } from 'node:util';
import { ErrorCode, VjError } from '../core/errors.js';
import { parseSize, type Size } from '../core/frame.js';
import { LogFormats, LogLevels, type LogFormat, type LogLevel } from './logger.js';

export interface CliOptions {
  help: boolean;
  version: boolean;
  listPipelines: boolean;
  listNdiSources: boolean;
  listCameras: boolean;
  ndi: boolean;
  rtmp: string | null;
  record: string | null;
  show: string | null;
  fps: number | null;
  size: Size | null;
  plugins: string | null;
  shmName: string | null;
  oscPort: number | null;
  oscQueryPort: number | null;
  uiPort: number | null;
  lan: boolean;
  ui: boolean;
  presets: string | null;
  media: string | null;
  resume: boolean;
  models: string | null;
  gpu: string | null;
  logFormat: LogFormat;
  logLevel: LogLevel;
  status: boolean;
}

/**
 * Every option declared once: the parser's configuration and the help text both come from here
 * (the README's command-line section documents the same list).
 */
const OPTIONS = {
  show: { type: 'string', short: 's', arg: '<file>', help: 'show file (JSON) to run' },
  fps: { type: 'string', arg: '<n>', help: 'output frame rate (overrides the show), 1..240' },
  size: { type: 'string', arg: '<WxH>', help: 'output size, e.g. 1920x1080 (overrides the show)' },
  plugins: { type: 'string', arg: '<dir>', help: 'folder of pipeline plugins (default: ./plugins when it exists)' },
  models: {
    type: 'string', arg: '<dir>',
    help: 'folder of model manifests (*.json): each becomes a pipeline\n(default: ~/.local/share/vj-host/models, where `vj-host models add` puts them)',
  },
  'shm-name': { type: 'string', arg: '<name>', help: 'file name of the shared-memory output in /dev/shm (overrides the show)' },
  'osc-port': { type: 'string', arg: '<n>', help: 'OSC input UDP port (default 9000; 0 = any free port, logged at start)' },
  'oscquery-port': { type: 'string', arg: '<n>', help: 'OSCQuery HTTP/WebSocket port (default 9001; 0 = any free port)' },
  'ui-port': { type: 'string', arg: '<n>', help: 'control surface port (default 8080 on 127.0.0.1; 0 = any free port)' },
  lan: { type: 'boolean', default: false, help: 'control surface on every interface, for tablets: prints a URL with a token (and a QR code)' },
  'no-ui': { type: 'boolean', default: false, help: 'no control surface' },
  presets: { type: 'string', arg: '<dir>', help: 'presets folder (default: ~/.local/share/vj-host/presets; overrides the show)' },
  media: { type: 'string', arg: '<dir>', help: 'folder video sources play clips from (default: ~/.local/share/vj-host/media; overrides the show)' },
  gpu: { type: 'string', arg: '<auto|off|name>', help: 'where GPU effects run: any WebGPU adapter (auto, the default), none (off: GPU effects\nare listed as unavailable), or the adapter of that name (overrides the show)' },
  'no-resume': { type: 'boolean', default: false, help: 'start from the show, not from the live state saved by the last run' },
  ndi: { type: 'boolean', default: false, help: 'add an NDI output "vj-host (main)" (if the show has none)' },
  rtmp: { type: 'string', arg: '<url>', help: 'add an RTMP stream, e.g. rtmp://live.example.com/app/<key> (the key is never logged)' },
  record: { type: 'string', arg: '<dir>', help: 'add a recording into <dir> (fragmented MP4, a new file per start)' },
  'list-pipelines': { type: 'boolean', default: false, help: 'print every pipeline (built-in and plugin, with failures) and exit' },
  'list-ndi-sources': { type: 'boolean', default: false, help: 'print the NDI sources seen on the network (and this machine) and exit' },
  'list-cameras': { type: 'boolean', default: false, help: 'print the cameras a video source can take (with their formats) and exit' },
  'log-format': { type: 'string', arg: '<f>', help: 'pretty | json (default: pretty on a terminal, json otherwise)' },
  'log-level': { type: 'string', default: 'info', arg: '<l>', help: 'debug | info | warn | error | silent (default: info)' },
  'no-status': { type: 'boolean', default: false, help: 'no live status line' },
  help: { type: 'boolean', short: 'h', default: false, help: 'this help' },
  version: { type: 'boolean', short: 'v', default: false, help: 'print the version' },
} as const satisfies Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean; arg?: string; help: string }>;

/** The options as node:util's parseArgs takes them (the help fields left out). */
const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(OPTIONS).map(([name, o]) => [name, { type: o.type, ...('short' in o ? { short: o.short } : {}), ...('default' in o ? { default: o.default } : {}) }]),
) as { [K in keyof typeof OPTIONS]: Omit<(typeof OPTIONS)[K], 'arg' | 'help'> };

function optionLines(): string {
  const width = 24;
  return Object.entries(OPTIONS)
    .map(([name, o]) => {
      const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${'arg' in o ? ` ${o.arg}` : ''}`;
      const [first, ...rest] = o.help.split('\n');
      const head = flag.length < width ? `  ${flag.padEnd(width)}${first}` : `  ${flag} ${first}`;
      return [head, ...rest.map((line) => `${' '.repeat(width + 2)}${line}`)].join('\n');
    })
    .join('\n');
}

export const HELP = `vj-host — a live-performance VJ host

Usage: vj-host [options]
       vj-host models add <file.onnx | URL> [--manifest m.json] [--id id] [--models dir]

With no --show, runs the embedded default show: test pattern -> feedback -> shared memory
(/dev/shm/vj-host), 1280x720 at 30 fps. Ctrl-C stops cleanly.

Options:
${optionLines()}

Exit codes: 0 stopped cleanly, 1 unexpected failure, 2 bad usage or invalid show file.
`;

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: PARSE_OPTIONS,
    });
  } catch (error) {
    throw new VjError(ErrorCode.CliUsage, `${(error as Error).message}\nRun vj-host --help for the options.`);
  }
  const v = parsed.values;
  const fps = v.fps === undefined ? null : Number(v.fps);
  if (fps !== null && !(Number.isFinite(fps) && fps >= 1 && fps <= 240)) {
    throw new VjError(ErrorCode.CliUsage, `--fps: must be a number from 1 to 240, got "${v.fps}"`);
  }
  const size = v.size === undefined ? null : parseSize(v.size);
  if (v.size !== undefined && !size) {
    throw new VjError(ErrorCode.CliUsage, `--size: must be WIDTHxHEIGHT (16..8192 each), e.g. 1920x1080, got "${v.size}"`);
  }
  const oscPort = port(v['osc-port'], '--osc-port');
  const oscQueryPort = port(v['oscquery-port'], '--oscquery-port');
  const uiPort = port(v['ui-port'], '--ui-port');
  const { logFormat, logLevel } = logOptions(v['log-format'], v['log-level']);
  return {
    help: v.help,
    version: v.version,
    listPipelines: v['list-pipelines'],
    listNdiSources: v['list-ndi-sources'],
    listCameras: v['list-cameras'],
    ndi: v.ndi,
    rtmp: v.rtmp ?? null,
    record: v.record ?? null,
    show: v.show ?? null,
    fps,
    size,
    plugins: v.plugins ?? null,
    shmName: v['shm-name'] ?? null,
    oscPort,
    oscQueryPort,
    uiPort,
    lan: v.lan,
    ui: !v['no-ui'],
    presets: v.presets ?? null,
    media: v.media ?? null,
    models: v.models ?? null,
    gpu: v.gpu ?? null,
    resume: !v['no-resume'],
    logFormat,
    logLevel,
    status: !v['no-status'],
  };
}

function logOptions(format: string | undefined, level: string): { logFormat: LogFormat; logLevel: LogLevel } {
  const logFormat = format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (!LogFormats.includes(logFormat as LogFormat)) {
    throw new VjError(ErrorCode.CliUsage, `--log-format: must be one of ${LogFormats.join(', ')}`);
  }
  if (!LogLevels.includes(level as LogLevel)) {
    throw new VjError(ErrorCode.CliUsage, `--log-level: must be one of ${LogLevels.join(', ')}`);
  }
  return { logFormat: logFormat as LogFormat, logLevel: level as LogLevel };
}

function port(text: string | undefined, option: string): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new VjError(ErrorCode.CliUsage, `${option}: must be a port number 0..65535, got "${text}"`);
  return n;
}
