import type { ErrorCode } from '../core/errors.js';

/** The shape of every error the API answers with: a stable code (core/errors.ts), a message, and the fields at fault. */
export interface ApiError {
  error: ErrorCode;
  message: string;
  problems: string[];
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}
