import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { DialectName } from '../protocol/dialect.js';
import { errorText } from '../protocol/errors.js';

/** A mistake in how a command was called (a bad flag or value): one line naming the flag, exit code 2. */
export class UsageError extends Error {}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
/** The option values parseArgs gives for `O`, strict and without positionals. */
export type ParsedOptions<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * Node's `parseArgs`, strict: an unknown flag, a missing value or a stray argument is a
 * {@link UsageError} in one line that names it, and points at the command's `--help`.
 */
export function parseCommandLine<O extends OptionSpecs>(
  command: string,
  argv: string[],
  options: O,
): ParsedOptions<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${parseProblem(error)} (see realtime-rx ${command} --help)`);
  }
}

/** parseArgs's message, shortened to one line that names the flag. */
function parseProblem(error: unknown): string {
  const message = errorText(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument ${JSON.stringify(quoted)}`;
  if (message.includes('argument missing')) return `${flag} needs a value`;
  if (message.includes('does not take an argument')) return `${flag} takes no value`;
  if (message.includes('ambiguous'))
    return `${flag} needs a value; for one that starts with "-", write ${flag}=VALUE`;
  return message.split('\n')[0];
}

/**
 * Takes a lone `flag` (last, or followed by another flag) out of `argv`: how a flag whose value is
 * optional is read, since parseArgs wants a value for every string option.
 */
export function takeLoneFlag(argv: readonly string[], flag: string): { argv: string[]; lone: boolean } {
  const at = argv.findIndex(
    (arg, i) => arg === flag && (i + 1 === argv.length || argv[i + 1].startsWith('-')),
  );
  if (at < 0) return { argv: [...argv], lone: false };
  return { argv: [...argv.slice(0, at), ...argv.slice(at + 1)], lone: true };
}

/** A numeric CLI option, or undefined when absent; a {@link UsageError} when it is not a number >= 0. */
export function numberOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new UsageError(`${name} needs a number >= 0, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** Node's timers fire at once beyond this (with a warning), so a longer wait is refused. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration in ms: a number from 0 to the longest a timer can wait. */
export function msOption(value: string | undefined, name: string): number | undefined {
  const ms = numberOption(value, name);
  if (ms !== undefined && ms > MAX_TIMER_MS) {
    throw new UsageError(
      `${name} needs a number of ms from 0 to ${MAX_TIMER_MS}, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/** A size in bytes: a whole number from 0 on. */
export function bytesOption(value: string | undefined, name: string): number | undefined {
  const bytes = numberOption(value, name);
  if (bytes !== undefined && !Number.isSafeInteger(bytes))
    throw new UsageError(`${name} needs a whole number of bytes >= 0, got ${JSON.stringify(value)}`);
  return bytes;
}

/** A TCP port: a whole number from 0 to 65535. */
export function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`${name} needs a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** A string option that must not be blank. */
export function textOption(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${name} needs a value, got ""`);
  return value;
}

const DIALECTS: readonly DialectName[] = ['codex', 'openai'];

/** `--dialect`: one of the dialects the library speaks; default `openai`. */
export function dialectOption(value: string | boolean | undefined): DialectName {
  const name = value === undefined ? 'openai' : value;
  if (typeof name !== 'string' || !(DIALECTS as readonly string[]).includes(name)) {
    throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return name as DialectName;
}
