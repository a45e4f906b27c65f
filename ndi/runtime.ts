import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import koffi from 'koffi';

/**
 * The official NDI 6 runtime, called through FFI (koffi). The `grandi` addon is not used: its prebuilt
 * binary needs a newer libstdc++ than Debian 12 has, and an FFI binding works unchanged on Linux,
 * Windows and macOS wherever the runtime library itself is installed.
 */

export const FOURCC = {
  RGBA: 0x41424752,
  RGBX: 0x58424752,
  BGRA: 0x41524742,
} as const;

export const RecvColorFormat = { RGBX_RGBA: 2 } as const;
export const RecvBandwidth = { highest: 100 } as const;
export const FrameType = { none: 0, video: 1, audio: 2, metadata: 3, error: 4, statusChange: 100 } as const;
export const FRAME_FORMAT_PROGRESSIVE = 1;
export const TIMECODE_SYNTHESIZE = 9223372036854775807n;

const libraryNames: Record<string, string> = {
  linux: 'libndi.so.6',
  darwin: 'libndi.dylib',
  win32: process.arch === 'ia32' ? 'Processing.NDI.Lib.x86.dll' : 'Processing.NDI.Lib.x64.dll',
};

export class NdiRuntimeMissing extends Error {
  constructor(readonly looked: string[], reason: string) {
    super(`NDI runtime not found (looked in ${looked.join(', ') || 'nowhere'}): ${reason}. Install NDI Tools or set NDI_RUNTIME_DIR_V6`);
    this.name = 'NdiRuntimeMissing';
  }
}

/**
 * Where the runtime library may be, in order: `NDI_RUNTIME_DIR_V6` (the NDI convention, set by the
 * NDI Tools installer on Windows), then the runtime shipped in the `@grandi/<platform>` npm package,
 * then the system's default library paths.
 */
export function runtimeCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const name = libraryNames[process.platform] ?? 'libndi.so.6';
  const candidates: string[] = [];
  const dir = env.NDI_RUNTIME_DIR_V6;
  if (dir) return [path.join(dir, name)];
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(`@grandi/${process.platform}-${process.arch}/package.json`);
    candidates.push(path.join(path.dirname(pkg), name));
  } catch {
    // not installed for this platform: the system paths below may still have it
  }
  if (process.platform === 'linux') candidates.push('/usr/lib/libndi.so.6', '/usr/local/lib/libndi.so.6');
  if (process.platform === 'darwin') candidates.push('/Library/NDI SDK for Apple/lib/macOS/libndi.dylib', '/usr/local/lib/libndi.dylib');
  return candidates;
}

const SourceT = koffi.struct('NDIlib_source_t', { p_ndi_name: 'const char*', p_url_address: 'const char*' });
const SendCreateT = koffi.struct('NDIlib_send_create_t', {
  p_ndi_name: 'const char*',
  p_groups: 'const char*',
  clock_video: 'bool',
  clock_audio: 'bool',
});
// p_data and p_metadata are raw pointers: a string type for metadata made the runtime free a copy twice.
const VideoFrameT = koffi.struct('NDIlib_video_frame_v2_t', {
  xres: 'int',
  yres: 'int',
  FourCC: 'int',
  frame_rate_N: 'int',
  frame_rate_D: 'int',
  picture_aspect_ratio: 'float',
  frame_format_type: 'int',
  timecode: 'int64_t',
  p_data: 'void*',
  line_stride_in_bytes: 'int',
  p_metadata: 'void*',
  timestamp: 'int64_t',
});
const RecvCreateT = koffi.struct('NDIlib_recv_create_v3_t', {
  source_to_connect_to: SourceT,
  color_format: 'int',
  bandwidth: 'int',
  allow_video_fields: 'bool',
  p_ndi_name: 'const char*',
});
const FindCreateT = koffi.struct('NDIlib_find_create_t', {
  show_local_sources: 'bool',
  p_groups: 'const char*',
  p_extra_ips: 'const char*',
});

export interface VideoFrameStruct {
  xres: number;
  yres: number;
  FourCC: number;
  frame_rate_N: number;
  frame_rate_D: number;
  picture_aspect_ratio: number;
  frame_format_type: number;
  timecode: bigint;
  p_data: Buffer | bigint | null;
  line_stride_in_bytes: number;
  p_metadata: bigint | null;
  timestamp: bigint;
}

export interface SourceStruct {
  p_ndi_name: string | null;
  p_url_address: string | null;
}

type Handle = bigint | null;
type AsyncFn = { async: (...args: unknown[]) => void };
type Fn<A extends unknown[], R> = ((...args: A) => R) & AsyncFn;

export interface NdiRuntime {
  readonly path: string;
  readonly version: string;
  sendCreate: Fn<[Record<string, unknown>], Handle>;
  sendDestroy: Fn<[Handle], void>;
  sendVideo: Fn<[Handle, VideoFrameStruct], void>;
  /** Returns at once; the runtime reads the pixels until the next call (or a call with null). */
  sendVideoAsync: Fn<[Handle, VideoFrameStruct | null], void>;
  sendConnections: Fn<[Handle, number], number>;
  recvCreate: Fn<[Record<string, unknown>], Handle>;
  recvDestroy: Fn<[Handle], void>;
  recvConnect: Fn<[Handle, SourceStruct | null], void>;
  recvCapture: Fn<[Handle, VideoFrameStruct[] | null, null, null, number], number>;
  recvFreeVideo: Fn<[Handle, VideoFrameStruct], void>;
  recvConnections: Fn<[Handle], number>;
  findCreate: Fn<[Record<string, unknown>], Handle>;
  findDestroy: Fn<[Handle], void>;
  findWait: Fn<[Handle, number], boolean>;
  findSources: (finder: Handle) => SourceStruct[];
}

let loaded: NdiRuntime | null = null;
let failure: NdiRuntimeMissing | null = null;

/** Loads the runtime once per process; throws NdiRuntimeMissing (naming where it looked) when it cannot. */
export function loadNdiRuntime(env: NodeJS.ProcessEnv = process.env): NdiRuntime {
  if (loaded) return loaded;
  if (failure && env === process.env) throw failure;
  const looked = runtimeCandidates(env);
  const reasons: string[] = [];
  for (const file of looked) {
    if (!fs.existsSync(file) && path.isAbsolute(file)) {
      reasons.push(`${file}: no such file`);
      continue;
    }
    try {
      const runtime = bind(file);
      loaded = runtime;
      return runtime;
    } catch (error) {
      reasons.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const missing = new NdiRuntimeMissing(looked, reasons.length ? reasons.join('; ') : 'no candidate');
  if (env === process.env) failure = missing;
  throw missing;
}

function bind(file: string): NdiRuntime {
  const lib = koffi.load(file);
  const initialize = lib.func('bool NDIlib_initialize()');
  if (!initialize()) throw new Error('NDIlib_initialize() refused (the CPU lacks SSE4.2?)');
  const version = lib.func('const char* NDIlib_version()') as () => string;
  const getSources = lib.func('NDIlib_find_get_current_sources', 'NDIlib_source_t*', ['void*', koffi.out(koffi.pointer('uint32_t'))]);
  return {
    path: file,
    version: version(),
    sendCreate: lib.func('NDIlib_send_create', 'void*', [koffi.pointer(SendCreateT)]),
    sendDestroy: lib.func('NDIlib_send_destroy', 'void', ['void*']),
    sendVideo: lib.func('NDIlib_send_send_video_v2', 'void', ['void*', koffi.pointer(VideoFrameT)]),
    sendVideoAsync: lib.func('NDIlib_send_send_video_async_v2', 'void', ['void*', koffi.pointer(VideoFrameT)]),
    sendConnections: lib.func('NDIlib_send_get_no_connections', 'int', ['void*', 'uint32_t']),
    recvCreate: lib.func('NDIlib_recv_create_v3', 'void*', [koffi.pointer(RecvCreateT)]),
    recvDestroy: lib.func('NDIlib_recv_destroy', 'void', ['void*']),
    recvConnect: lib.func('NDIlib_recv_connect', 'void', ['void*', koffi.pointer(SourceT)]),
    recvCapture: lib.func('NDIlib_recv_capture_v2', 'int', ['void*', koffi.out(koffi.pointer(VideoFrameT)), 'void*', 'void*', 'uint32_t']),
    recvFreeVideo: lib.func('NDIlib_recv_free_video_v2', 'void', ['void*', koffi.pointer(VideoFrameT)]),
    recvConnections: lib.func('NDIlib_recv_get_no_connections', 'int', ['void*']),
    findCreate: lib.func('NDIlib_find_create_v2', 'void*', [koffi.pointer(FindCreateT)]),
    findDestroy: lib.func('NDIlib_find_destroy', 'void', ['void*']),
    findWait: lib.func('NDIlib_find_wait_for_sources', 'bool', ['void*', 'uint32_t']),
    findSources(finder) {
      const count = [0];
      const first = getSources(finder, count) as bigint | null;
      const n = count[0] ?? 0;
      if (!first || n === 0) return [];
      return koffi.decode(first, SourceT, n) as SourceStruct[];
    },
  };
}

/** A pointer-sized view of native memory (a received frame) without a copy. */
export function viewNative(pointer: bigint, bytes: number): Uint8Array {
  return new Uint8Array(koffi.view(pointer, bytes));
}
