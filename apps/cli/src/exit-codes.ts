// The CLI's exit codes, part of its contract with CI pipelines: keep them stable.
export const EXIT_OK = 0;
/** The analysis ran and coverage is below `--fail-under` in at least one checked direction. */
export const EXIT_BELOW_THRESHOLD = 1;
/** Bad input (unreadable or invalid manifests, unknown kinds) or bad usage; nothing was judged. */
export const EXIT_BAD_INPUT = 2;

/** A failure the user can fix; printed as one line (or a list) on stderr, never as a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_BAD_INPUT,
    /** Further lines printed under the message, e.g. each invalid object. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** `--against`: the proposed change opens connections or breaks a default-deny (same value as 1 above). */
export const EXIT_GATE_FAILED = 1;
/** `--against`: the check could not run (API unreachable, token refused, server error); nothing was judged. */
export const EXIT_UNAVAILABLE = 3;
