// Typed errors and the exit codes they map to. Every expected failure is one of these; the runner
// prints `error: <message>` and `hint: <hint>` on stderr and exits with the code. Documented in SKILL.md.

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  CONFIRMATION_REQUIRED: 3,
  AUTH: 4,
  NOT_FOUND: 5,
  RATE_LIMITED: 6,
  NETWORK: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, in the words --help, SKILL.md and the tests use. */
export const EXIT_MEANINGS: Record<ExitCode, string> = {
  0: "ok",
  1: "unexpected",
  2: "bad input",
  3: "preview only (add --yes)",
  4: "auth",
  5: "not found",
  6: "rate limited",
  7: "network/server",
};

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Bad flags or arguments, caught before anything is sent, or a 400 from Sentry about our input; then
 * `status` is 400 and `detail` is Sentry's own message, for callers that react to a specific answer.
 */
export class UsageError extends CliError {
  constructor(
    message: string,
    hint?: string,
    readonly status?: 400,
    readonly detail?: string,
  ) {
    super(message, EXIT.USAGE, hint);
  }
}

/** 401, 403, or no token configured (status undefined). */
export class AuthError extends CliError {
  constructor(
    message: string,
    hint?: string,
    readonly status?: 401 | 403,
  ) {
    super(message, EXIT.AUTH, hint);
  }
}

/** 404, or 410 for an endpoint Sentry has retired or is browning out (status undefined: not an HTTP answer). */
export class NotFoundError extends CliError {
  constructor(
    message: string,
    hint?: string,
    readonly status?: 404 | 410,
  ) {
    super(message, EXIT.NOT_FOUND, hint);
  }
}

export class RateLimitError extends CliError {
  constructor(
    message: string,
    readonly waitSeconds: number | undefined,
    hint?: string,
  ) {
    super(message, EXIT.RATE_LIMITED, hint);
  }
}

/** Connection failures, timeouts, 5xx, and bodies that are not the JSON Sentry sends. */
export class NetworkError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.NETWORK, hint);
  }
}

/** Any other API answer we cannot act on (409, unexpected 4xx). */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    hint?: string,
  ) {
    super(message, EXIT.UNEXPECTED, hint);
  }
}

/**
 * Sentry (or something in front of it) answered 2xx with JSON of the wrong shape: null, a bare number, a list
 * where an object belongs, a missing id. Thrown by the resource layer's shape checks (lib/sentry/schema.ts) so
 * that a malformed read ends the run with exit 7 before anything is projected, printed or written.
 */
export class UnexpectedAnswerError extends NetworkError {
  constructor(problem: string) {
    super(`unexpected answer from Sentry: ${problem}`, "a proxy or an incompatible server answered; check SENTRY_URL, or try again");
  }
}
