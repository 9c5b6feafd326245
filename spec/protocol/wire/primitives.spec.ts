import * as t from 'io-ts';
import {
  allOptional,
  base64,
  byKind,
  discriminated,
  nullable,
  oneOf,
  optional,
  present,
  struct,
} from '../../../src/protocol/openai/wire/primitives';
import { decoded, errorOf } from './fields';

describe('optional', () => {
  const codec = t.partial({ n: optional(t.number) });

  it('takes an absent field and a value as they are', () => {
    for (const value of [{}, { n: 1 }, { n: undefined }]) {
      expect(codec.is(value)).toBe(true);
      expect(decoded(codec, value)).toBe(value);
    }
  });

  it('reads null as absent: decode normalizes, is refuses', () => {
    const value = { n: null, other: 'kept' };
    expect(codec.is(value)).toBe(false);
    const result = decoded(codec, value) as Record<string, unknown>;
    expect(result).not.toBe(value);
    expect(result.n).toBeUndefined();
    expect(result).toEqual({ other: 'kept' });
    expect(value.n).toBeNull(); // the input is left alone
  });

  it('keeps null where the type allows it', () => {
    const nullableField = t.partial({ n: optional(nullable(t.number)) });
    const value = { n: null };
    expect(nullableField.is(value)).toBe(true);
    expect(decoded(nullableField, value)).toBe(value);
  });

  it('names the field of a bad value', () => {
    expect(errorOf(codec, { n: 'one' })).toBe('n: expected number, got "one"');
  });
});

describe('nullable', () => {
  it('takes null and values, and names the inner path of a bad value', () => {
    const codec = t.type({ o: nullable(struct('O', { a: t.string }, { b: t.number })) });
    expect(codec.is({ o: null })).toBe(true);
    expect(codec.is({ o: { a: 'x' } })).toBe(true);
    expect(errorOf(codec, { o: { a: 'x', b: 'y' } })).toBe('o.b: expected number, got "y"');
    expect(errorOf(codec, { o: undefined })).toBe('o: expected O | null, got undefined');
  });
});

describe('base64', () => {
  it('takes padded base64 only, as a string', () => {
    for (const text of ['', 'AAAA', 'AAA=', 'AA==', 'AAABAP//AgD+/wMA']) expect(base64.is(text)).toBe(true);
    for (const text of ['A', 'AAA', 'A===', 'AA=A', '-_AA', 'AA AA', 5, null]) {
      expect(base64.is(text)).toBe(false);
      expect(errorOf(base64, text)).toMatch(/^\(root\): expected base64, got /);
    }
  });
});

describe('present', () => {
  it('takes any value but requires the field', () => {
    const codec = t.type({ schema: present });
    for (const schema of [null, 0, '', [], {}]) expect(decoded(codec, { schema })).toEqual({ schema });
    expect(codec.is({})).toBe(false);
    expect(errorOf(codec, {})).toBe('schema: expected any value, got undefined');
  });
});

describe('oneOf', () => {
  it('takes the listed strings and names them', () => {
    const codec = oneOf('a', 'b');
    expect(codec.is('a')).toBe(true);
    expect(codec.is('toString')).toBe(false);
    expect(errorOf(codec, 'c')).toBe('(root): expected "a" | "b", got "c"');
  });
});

describe('struct and allOptional', () => {
  it('keep extra fields and read null as absent in the optional ones', () => {
    const codec = struct('S', { id: t.string }, { note: t.string });
    const value = { id: '1', extra: { deep: true } };
    expect(decoded(codec, value)).toBe(value);
    expect(decoded(codec, { id: '1', note: null })).toEqual({ id: '1' });
    expect(errorOf(codec, { note: 'x' })).toBe('id: expected string, got undefined');
    expect(decoded(allOptional('A', { n: t.number }), { n: null })).toEqual({});
  });
});

describe('discriminated', () => {
  const circle = struct('Circle', { kind: t.literal('circle'), r: t.number }, { label: t.string });
  const square = struct('Square', { kind: t.literal('square'), side: t.number });
  const shape = t.type({ shape: discriminated('kind', { circle, square }, 'Shape') });

  it('validates only the member the tag names, naming the inner path', () => {
    expect(shape.is({ shape: { kind: 'circle', r: 1 } })).toBe(true);
    expect(errorOf(shape, { shape: { kind: 'square', r: 1 } })).toBe(
      'shape.side: expected number, got undefined',
    );
    expect(errorOf(shape, { shape: { kind: 'circle', r: 1, label: 2 } })).toBe(
      'shape.label: expected string, got 2',
    );
  });

  it('reports an unknown or missing tag at the tag', () => {
    expect(errorOf(shape, { shape: { kind: 'triangle' } })).toBe(
      'shape.kind: expected "circle" | "square", got "triangle"',
    );
    expect(errorOf(shape, { shape: {} })).toBe('shape.kind: expected "circle" | "square", got undefined');
    expect(errorOf(shape, { shape: { kind: 'toString' } })).toBe(
      'shape.kind: expected "circle" | "square", got "toString"',
    );
    expect(errorOf(shape, { shape: 'circle' })).toBe('shape: expected Shape, got "circle"');
  });

  describe('with members whose tag is optional', () => {
    const pcm = allOptional('Pcm', { kind: t.literal('pcm'), rate: t.literal(24000) });
    const ulaw = allOptional('Ulaw', { kind: t.literal('ulaw'), note: t.string });
    const format = discriminated('kind', { pcm, ulaw }, 'Format', ['pcm', 'ulaw']);

    it('takes an untagged value that one of them takes, as it is', () => {
      const value = { rate: 24000 };
      expect(format.is(value)).toBe(true);
      expect(decoded(format, value)).toBe(value);
      // The first member would normalize the null; the second takes the value as it is: `is` and
      // decode agree that nothing changes.
      const asIs = { rate: 16000, note: 'x' };
      expect(format.is(asIs)).toBe(true);
      expect(decoded(format, asIs)).toBe(asIs);
    });

    it('normalizes with the first member that takes the value, and reports the first one otherwise', () => {
      const withNull = { kind: null, rate: 24000 };
      expect(format.is(withNull)).toBe(false);
      expect(decoded(format, withNull)).toEqual({ rate: 24000 });
      expect(errorOf(format, { rate: 16000, note: 5 })).toBe('rate: expected 24000, got 16000');
    });

    it('still reports an unknown tag at the tag', () => {
      expect(errorOf(format, { kind: 'opus' })).toBe('kind: expected "pcm" | "ulaw", got "opus"');
    });
  });
});

describe('byKind', () => {
  const limit = t.type({ limit: byKind({ number: t.number, string: t.literal('inf') }) });

  it('validates the member of the value’s JSON kind only', () => {
    expect(limit.is({ limit: 10 })).toBe(true);
    expect(limit.is({ limit: 'inf' })).toBe(true);
    expect(errorOf(limit, { limit: 'lots' })).toBe('limit: expected "inf", got "lots"');
  });

  it('reports a value of no member’s kind at the field', () => {
    expect(errorOf(limit, { limit: true })).toBe('limit: expected number | "inf", got true');
    expect(errorOf(limit, { limit: null })).toBe('limit: expected number | "inf", got null');
    expect(errorOf(limit, { limit: [] })).toBe('limit: expected number | "inf", got []');
  });

  it('tells arrays, objects and null apart', () => {
    const tools = byKind({ array: t.array(t.string), object: t.type({ all: t.boolean }), null: t.null });
    for (const value of [['a'], { all: true }, null]) expect(tools.is(value)).toBe(true);
    expect(errorOf(tools, [1])).toBe('0: expected string, got 1');
    expect(errorOf(tools, {})).toBe('all: expected boolean, got undefined');
  });
});
