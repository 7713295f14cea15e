/**
 * How a program of ours ends. A failure the user can act on is one line on
 * stderr (`name: what happened`) and its exit code; a wrong command line also
 * points at `--help`; anything unforeseen prints its stack, which is what a
 * bug report needs. Entry points throw; only this decides what reaches the
 * terminal.
 */

import { UsageError } from './args.js';
import type { ExitCode } from './usage.js';

/** A failure to report in one line, ending the program with `status`. */
export class ExitError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export interface ProgramExits {
  /** Could not start, or stopped on an error. */
  failure: ExitCode;
  /** Wrong command line or configuration. */
  usage: ExitCode;
}

/** Run an entry point's `main`, turning what it throws into one line and an exit code. */
export function runProgram(name: string, exits: ProgramExits, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ExitError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(err.status);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}; see ${name} --help\n`);
      process.exit(exits.usage.code);
    }
    // Not an error we foresaw: the stack is what a bug report needs.
    process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(exits.failure.code);
  });
}
