/**
 * The decoder's shortcut rests on one property of every wire codec: `is(u)` holds exactly when
 * `decode(u)` succeeds and returns `u` itself. Checked on random edits of the examples: a field (any
 * depth, required or optional) set to a random JSON value, null or deleted, or an extra field added.
 * Seeds are random; a failure prints the seed (replay with `FUZZ_SEED=<seed>`).
 */
import fc from 'fast-check';
import type * as t from 'io-ts';
import {
  OpenAIClientEventCodecs,
  OpenAIConversationItemCodec,
  OpenAIServerEventCodecs,
} from '../../../src/protocol/openai/wire/index';
import { clientEventExamples, itemExamples, serverEventExamples, AUDIO } from './examples';
import { edited, fieldsOf, type Path } from './fields';

const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = (numRuns: number): fc.Parameters<unknown> =>
  SEED === undefined ? { numRuns } : { numRuns, seed: SEED };

interface Case {
  readonly name: string;
  readonly codec: t.Mixed;
  readonly example: unknown;
  readonly paths: readonly Path[];
}

const cases: Case[] = [
  ...Object.entries(OpenAIServerEventCodecs).map(([type, codec]) => ({
    name: type,
    codec: codec,
    example: serverEventExamples[type as keyof typeof serverEventExamples],
  })),
  ...Object.entries(OpenAIClientEventCodecs).map(([type, codec]) => ({
    name: type,
    codec: codec,
    example: clientEventExamples[type as keyof typeof clientEventExamples],
  })),
  ...Object.entries(itemExamples).map(([name, example]) => ({
    name: `item ${name}`,
    codec: OpenAIConversationItemCodec,
    example,
  })),
].map((c) => ({
  ...c,
  paths: fieldsOf(c.codec, c.example).map((field) => field.path),
  // How a counterexample prints the case: its name, not the codec's functions.
  [fc.toStringMethod]: () => c.name,
}));

/** Values that are right for some field and wrong for most: every JSON kind, tags, base64, near misses. */
const fieldValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    0,
    1.5,
    24000,
    true,
    '',
    'inf',
    'auto',
    'message',
    'audio/pcm',
    'server_vad',
    AUDIO,
    'AAA',
    [],
    {},
    [null],
    { type: 'message', role: 'user', content: [] },
    { type: null },
    { id: 'x' },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

function holds(codec: t.Mixed, value: unknown): boolean {
  const result = codec.decode(value);
  return codec.is(value) === (result._tag === 'Right' && result.right === value);
}

describe('every wire codec: `is` ⇔ decode returns the same value', () => {
  it('holds for every example as it is', () => {
    for (const c of cases) expect([c.name, holds(c.codec, c.example)]).toEqual([c.name, true]);
  });

  it('holds for random edits of a field', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...cases)
          .chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...c.paths), fieldValue, fc.boolean())),
        ([c, path, value, alsoExtra]) => {
          let edit = edited(c.example, path, value);
          if (alsoExtra) edit = edited(edit, ['x_extra'], value ?? null);
          return holds(c.codec, edit);
        },
      ),
      params(20_000),
    );
  });

  it('holds for two edits at once', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...cases)
          .chain((c) =>
            fc.tuple(
              fc.constant(c),
              fc.constantFrom(...c.paths),
              fc.constantFrom(...c.paths),
              fieldValue,
              fieldValue,
            ),
          ),
        ([c, first, second, a, b]) => {
          const edit = edited(c.example, first, a);
          try {
            return holds(c.codec, edited(edit, second, b));
          } catch {
            // The second path ran through the first edit's value: nothing to check.
            return true;
          }
        },
      ),
      params(10_000),
    );
  });
});
