// Process entry for `kordon` (bin/kordon.cjs loads it): run the command line, set the exit code,
// and make sure nothing, not even a closed pipe, ends in a stack trace.
import { run } from './cli';
import { EXIT_BAD_INPUT } from './exit-codes';

function fatal(err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  // `kordon analyze … | head`: the reader went away; stop quietly.
  if (e?.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`kordon: internal error: ${(e?.message ?? String(err)).split('\n')[0]}\n`);
  process.exit(EXIT_BAD_INPUT);
}

process.stdout.on('error', fatal);
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

run(process.argv.slice(2)).then(
  // exitCode rather than exit(): lets a large report drain to a slow pipe before the process ends.
  (code) => void (process.exitCode = code),
  fatal,
);
