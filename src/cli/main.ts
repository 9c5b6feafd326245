#!/usr/bin/env node
/** The `realtime-rx` command: `serve` (a local dev server) and `talk` (a client). */
import { errorText } from '../protocol/errors.js';
import { UsageError } from './options.js';
import { EXIT } from './outcome.js';
import { serveCommand } from './serve.js';
import { talkCommand } from './talk.js';

const USAGE = `usage: realtime-rx <command> [options]

commands:
  serve   run a local realtime dev server (echoes speech, quotes texts, can misbehave on purpose)
  talk    talk to a realtime server (default: an embedded dev server) from a WAV file and texts

realtime-rx serve --help, realtime-rx talk --help: the options of each`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'talk':
      return talkCommand(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      console.error(`realtime-rx: unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

/** One line on the error stream, never a stack trace: 2 for a usage mistake, else 1. */
function fail(error: unknown): void {
  const message = errorText(error);
  console.error(`realtime-rx: ${message.split('\n')[0]}`);
  process.exitCode = error instanceof UsageError ? EXIT.usage : EXIT.failed;
}

// Whatever escapes (a bug, an error event nobody listens to) still ends in one line.
process.on('uncaughtException', (error) => {
  fail(error);
  process.exit();
});
main(process.argv.slice(2)).then((code) => (process.exitCode = code), fail);
