#!/usr/bin/env node
/** The `realtime-rx` command: `serve` (a local dev server) and `talk` (a client). */
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
      return command === undefined ? 2 : 0;
    default:
      console.error(`realtime-rx: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`realtime-rx: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
