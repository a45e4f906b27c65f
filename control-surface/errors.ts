/** The shape of every error the API answers with: a stable code, a message, and the fields at fault. */
export interface ApiError {
  error: string;
  message: string;
  problems: string[];
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}
