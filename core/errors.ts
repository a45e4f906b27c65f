/** Every coded error the host raises, in one place so logs, API answers and tests agree. */
export const ErrorCode = {
  CliUsage: 'VJ_CLI_USAGE',
  ShowNotFound: 'VJ_SHOW_NOT_FOUND',
  ShowNotJson: 'VJ_SHOW_NOT_JSON',
  ShowInvalid: 'VJ_SHOW_INVALID',
  PipelineUnknown: 'VJ_PIPELINE_UNKNOWN',
  PipelineDuplicate: 'VJ_PIPELINE_DUPLICATE',
  PluginInvalid: 'VJ_PLUGIN_INVALID',
  PluginLoadFailed: 'VJ_PLUGIN_LOAD_FAILED',
  StageFailed: 'VJ_STAGE_FAILED',
  StageContract: 'VJ_STAGE_CONTRACT',
  OutputFailed: 'VJ_OUTPUT_FAILED',
  OutputInvalid: 'VJ_OUTPUT_INVALID',
  OutputUnknown: 'VJ_OUTPUT_UNKNOWN',
  DeckUnknown: 'VJ_DECK_UNKNOWN',
  ChainInvalid: 'VJ_CHAIN_INVALID',
  ParamUnknown: 'VJ_PARAM_UNKNOWN',
  ParamInvalid: 'VJ_PARAM_INVALID',
  // Answers of the control surface's API.
  ActionInvalid: 'VJ_ACTION_INVALID',
  ActionUnknown: 'VJ_ACTION_UNKNOWN',
  BadRequest: 'VJ_BAD_REQUEST',
  ClipUnknown: 'VJ_CLIP_UNKNOWN',
  ClipUnreadable: 'VJ_CLIP_UNREADABLE',
  Busy: 'VJ_BUSY',
  Forbidden: 'VJ_FORBIDDEN',
  Internal: 'VJ_INTERNAL',
  MidiOff: 'VJ_MIDI_OFF',
  NdiUnavailable: 'VJ_NDI_UNAVAILABLE',
  NeedsTerminal: 'VJ_NEEDS_TERMINAL',
  NotFound: 'VJ_NOT_FOUND',
  NoShowFile: 'VJ_NO_SHOW_FILE',
  OscOff: 'VJ_OSC_OFF',
  PresetsOff: 'VJ_PRESETS_OFF',
  PresetInvalid: 'VJ_PRESET_INVALID',
  PresetUnknown: 'VJ_PRESET_UNKNOWN',
  RateLimited: 'VJ_RATE_LIMITED',
  RouteInvalid: 'VJ_ROUTE_INVALID',
  RouteUnknown: 'VJ_ROUTE_UNKNOWN',
  Unauthorized: 'VJ_UNAUTHORIZED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class VjError extends Error {
  readonly code: ErrorCode;
  /** Human-readable problems, each naming the field it is about. */
  readonly problems: readonly string[];

  constructor(code: ErrorCode, message: string, problems: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VjError';
    this.code = code;
    this.problems = problems;
  }
}

export function isVjError(value: unknown): value is VjError {
  return value instanceof VjError;
}

/** A one-line description of anything thrown, for logs and stats. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
