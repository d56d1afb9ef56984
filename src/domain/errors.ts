/**
 * The one error type of the app (ARCHITECTURE.md §4). Users see `userMessage`; logs get `code`.
 * Never put a library's error.message or any case content (names, DOBs) into `userMessage`.
 */
export type ErrorCode =
  | "invalid_input"
  | "not_found"
  | "forbidden"
  | "conflict"
  | "config"
  | "profile_invalid"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly field?: string;

  constructor(code: ErrorCode, userMessage: string, field?: string) {
    super(field ? `${code}: ${field}: ${userMessage}` : `${code}: ${userMessage}`);
    this.name = "AppError";
    this.code = code;
    this.userMessage = userMessage;
    this.field = field;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
