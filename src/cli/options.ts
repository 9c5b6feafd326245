import type { DialectName } from '../protocol/dialect.js';

/** A numeric CLI option, or undefined when absent; a clear error when it is not a number ≥ 0. */
export function numberOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new Error(`${name} needs a number >= 0, got ${JSON.stringify(value)}`);
  }
  return number;
}

const DIALECTS: readonly DialectName[] = ['codex', 'openai'];

export function dialectOption(value: string | boolean | undefined): DialectName {
  const name = value === undefined ? 'openai' : value;
  if (typeof name !== 'string' || !(DIALECTS as readonly string[]).includes(name)) {
    throw new Error(`--dialect must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return name as DialectName;
}
