// toolDefinitions and the JSON Schema derived from io-ts codecs: the exact schemas; what a schema allows
// checked against what its codec accepts, with zod's own JSON Schema reader as the judge; the result
// checked against the GA tool schema, at the type level (the `openai` package's types) and by our GA
// wire codecs. The dev server's check of them, over a socket, is in tools.devServer.spec.ts.
import fc from 'fast-check';
import * as t from 'io-ts';
import type {
  RealtimeFunctionTool,
  RealtimeResponseCreateParams,
  RealtimeSessionCreateRequest,
} from 'openai/resources/realtime/realtime';
import { z } from 'zod';
import { defineTool, type RealtimeTool } from '../../src/agent/defineTool';
import { toolDefinitions } from '../../src/agent/toolDefinitions';
import { RealtimeError } from '../../src/protocol/errors';
import type { FunctionTool } from '../../src/protocol/openai/options';
import { OpenAIClientEventCodecs } from '../../src/protocol/openai/wire/index';

const schemaOf = (args: t.Type<any, unknown>) => defineTool({ name: 'tool', args, run: () => '' }).parameters;

interface Positive {
  readonly Positive: unique symbol;
}
const PositiveNumber = t.brand(t.number, (n): n is t.Branded<number, Positive> => n > 0, 'Positive');
const Unit = t.keyof({ celsius: null, fahrenheit: null });

/** Codecs and their schemas; `fit` is how what the schema allows relates to what the codec accepts. */
const cases: {
  name: string;
  codec: t.Type<any, unknown>;
  /** values the codec accepts, for the property test to start from */
  examples: object[];
  schema: object;
  fit: 'same' | 'narrower' | 'wider';
}[] = [
  {
    name: 't.type',
    examples: [{ city: 'Paris' }],
    codec: t.type({ city: t.string }),
    schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    fit: 'same',
  },
  {
    name: 't.partial with t.keyof and t.number',
    examples: [{}, { unit: 'celsius', days: 1.5 }],
    codec: t.partial({ unit: Unit, days: t.number }),
    schema: {
      type: 'object',
      properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'number' } },
    },
    fit: 'same',
  },
  {
    name: 't.intersection of t.type and t.partial, t.Int',
    examples: [{ city: 'Paris', days: 3 }],
    codec: t.intersection([t.type({ city: t.string }), t.partial({ days: t.Int })]),
    schema: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city'],
    },
    fit: 'same',
  },
  {
    name: 't.array, t.boolean, t.null in a union (one list of types)',
    examples: [
      { tags: ['x'], n: null, flag: true },
      { tags: [], n: 1.5, flag: false },
    ],
    codec: t.type({ tags: t.array(t.string), n: t.union([t.number, t.null]), flag: t.boolean }),
    schema: {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        n: { type: ['number', 'null'] },
        flag: { type: 'boolean' },
      },
      required: ['tags', 'n', 'flag'],
    },
    fit: 'same',
  },
  {
    name: 'a union of literals and null: one enum',
    examples: [
      { unit: 'a', n: 1 },
      { unit: null, n: 1 },
    ],
    codec: t.type({ unit: t.union([t.literal('a'), t.literal('b'), t.null]), n: t.literal(1) }),
    schema: {
      type: 'object',
      properties: {
        unit: { type: ['string', 'null'], enum: ['a', 'b', null] },
        n: { type: 'number', enum: [1] },
      },
      required: ['unit', 'n'],
    },
    fit: 'same',
  },
  {
    name: 'a key whose codec accepts undefined is optional',
    examples: [{}, { city: 'Paris', extra: [1] }],
    codec: t.type({ city: t.union([t.string, t.undefined]), extra: t.unknown }),
    schema: { type: 'object', properties: { city: { type: 'string' }, extra: {} } },
    fit: 'same',
  },
  {
    name: 't.readonly, t.readonlyArray, a union of other codecs (anyOf)',
    examples: [{ extra: ['x', { a: 'y' }] }],
    codec: t.readonly(t.type({ extra: t.readonlyArray(t.union([t.string, t.type({ a: t.string })])) })),
    schema: {
      type: 'object',
      properties: {
        extra: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'string' },
              { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            ],
          },
        },
      },
      required: ['extra'],
    },
    fit: 'same',
  },
  {
    name: 't.record(t.string, …), t.UnknownArray, t.UnknownRecord',
    examples: [{ n: { k: 1 }, tags: [1, 'x'], a: { k: 'x' } }],
    codec: t.type({ n: t.record(t.string, t.number), tags: t.UnknownArray, a: t.UnknownRecord }),
    schema: {
      type: 'object',
      properties: {
        n: { type: 'object', additionalProperties: { type: 'number' } },
        tags: { type: 'array' },
        a: { type: 'object' },
      },
      required: ['n', 'tags', 'a'],
    },
    fit: 'same',
  },
  {
    name: 't.exact: nothing else belongs (the codec strips it)',
    examples: [{ city: 'Paris' }],
    codec: t.exact(t.type({ city: t.string })),
    schema: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    fit: 'narrower',
  },
  {
    name: 't.strict, and t.exact of an intersection',
    examples: [{ a: { city: 'Rome' }, n: { city: 'Rome', unit: 'celsius' } }],
    codec: t.type({
      a: t.strict({ city: t.string }),
      n: t.exact(t.intersection([t.type({ city: t.string }), t.partial({ unit: Unit })])),
    }),
    schema: {
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
        n: {
          type: 'object',
          properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['city'],
          additionalProperties: false,
        },
      },
      required: ['a', 'n'],
    },
    fit: 'narrower',
  },
  {
    name: 'a branded type and a refinement: their base (the codec checks the rest)',
    examples: [{ days: 2, city: 'Paris' }],
    codec: t.type({ days: PositiveNumber, city: t.refinement(t.string, (s) => s.length > 2) }),
    schema: {
      type: 'object',
      properties: { days: { type: 'number' }, city: { type: 'string' } },
      required: ['days', 'city'],
    },
    fit: 'wider',
  },
  {
    name: 'an intersection with a key in both parts: allOf for that key',
    examples: [{ n: 2, city: 'Paris' }],
    codec: t.intersection([t.type({ n: t.Int }), t.type({ n: t.number, city: t.string })]),
    schema: {
      type: 'object',
      properties: { n: { allOf: [{ type: 'integer' }, { type: 'number' }] }, city: { type: 'string' } },
      required: ['n', 'city'],
    },
    fit: 'same',
  },
];

function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasUnsafeInteger);
}

describe('the JSON Schema derived from io-ts codecs', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, { codec, schema }) => {
    expect(schemaOf(codec)).toEqual(schema);
  });

  describe('what the schema allows, against what the codec accepts (zod reads the schema)', () => {
    const keys = ['city', 'unit', 'days', 'tags', 'n', 'flag', 'extra', 'a'];
    const interesting = fc.constantFrom<unknown>(
      ...['Paris', 'No', 'celsius', 'fahrenheit', 'a', 'b', 1, 1.5, 0, -3, true, false, null],
      ...[
        [],
        ['x'],
        [1],
        ['x', { a: 'y' }],
        [{ a: 'x' }],
        {},
        { a: 'x' },
        { k: 1 },
        { k: 'x' },
        { city: 'Rome' },
      ],
      { city: 'Rome', unit: 'celsius' },
      { city: 'Rome', other: 1 },
    );
    const value = fc.oneof(interesting, fc.jsonValue({ maxDepth: 2 }));
    /** A value near the examples (one of their keys, or another, set or deleted), or any JSON. */
    const near = (examples: object[]) => {
      const own = fc.constantFrom(...new Set(examples.flatMap((example) => Object.keys(example))), 'city');
      const key = fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: fc.constantFrom(...keys) });
      return fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(...examples) },
        {
          weight: 6,
          arbitrary: fc
            .tuple(fc.constantFrom(...examples), key, value, fc.boolean())
            .map(([example, k, v, drop]) => {
              const changed: Record<string, unknown> = { ...example };
              if (drop) delete changed[k];
              else changed[k] = v;
              return changed;
            }),
        },
        { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      );
    };

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, { codec, fit, examples }) => {
      const schema = z.fromJSONSchema(schemaOf(codec));
      const seen = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(near(examples), (v) => {
          // zod reads `integer` as a safe integer; JSON Schema (and t.Int) have no such bound.
          fc.pre(!hasUnsafeInteger(v));
          const allowed = schema.safeParse(v).success;
          const accepted = codec.decode(v)._tag === 'Right';
          if (accepted) seen.accepted++;
          else seen.refused++;
          if (fit === 'same') return allowed === accepted;
          if (fit === 'narrower') return !allowed || accepted;
          return !accepted || allowed;
        }),
        { numRuns: 1000 },
      );
      // Not vacuous: both sides of each codec were tried.
      expect(seen.accepted).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  });

  describe('a codec with no schema: RealtimeError(config) at defineTool, naming where', () => {
    const DateFromString = new t.Type<Date, string, unknown>(
      'DateFromString',
      (u): u is Date => u instanceof Date,
      (u, c) => (typeof u === 'string' ? t.success(new Date(u)) : t.failure(u, c)),
      (d) => d.toISOString(),
    );
    interface Tree {
      children: Tree[];
    }
    const Tree: t.Type<Tree> = t.recursion('Tree', () => t.type({ children: t.array(Tree) }));

    it.each([
      [
        'a custom codec',
        t.type({ when: DateFromString }),
        'args.when: no JSON Schema for DateFromString (a custom codec)',
      ],
      [
        'in an array',
        t.type({ days: t.array(t.tuple([t.string, t.number])) }),
        'args.days[]: no JSON Schema for [string, number]',
      ],
      [
        'in a partial',
        t.partial({ a: t.partial({ b: t.bigint }) }),
        'args.a.b: no JSON Schema for bigint (not a JSON value)',
      ],
      [
        'a recursive codec',
        t.type({ tree: Tree }),
        'args.tree: no JSON Schema for Tree (recursive codecs are not derived)',
      ],
      [
        't.undefined alone',
        t.type({ gone: t.undefined }),
        'args.gone: no JSON Schema for undefined (not a JSON value)',
      ],
      ['t.any', t.type({ x: t.any }), 'args.x: no JSON Schema for any (use t.unknown)'],
      ['a record of other keys', t.type({ r: t.record(Unit, t.number) }), 'args.r: no JSON Schema for'],
      ['arguments that are not an object', t.string, 'args: the arguments are a JSON object'],
      [
        'arguments that are a union',
        t.union([t.type({ a: t.string }), t.type({ b: t.string })]),
        'args: the arguments are a JSON object',
      ],
    ])('%s', (_, codec, message) => {
      let error: unknown;
      try {
        schemaOf(codec);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RealtimeError);
      expect((error as RealtimeError).kind).toBe('config');
      expect((error as RealtimeError).message).toContain(`defineTool tool: ${message}`);
      expect((error as RealtimeError).message).toMatch(/give `parameters`$/);
    });

    it('given parameters win: no derivation, the codec still decodes', () => {
      const parameters = { type: 'object', properties: { when: { type: 'string', format: 'date-time' } } };
      const tool = defineTool({
        name: 'remind',
        args: t.type({ when: DateFromString }),
        parameters,
        run: () => 'ok',
      });
      expect(tool.parameters).toBe(parameters);
      expect(tool.args.decode({ when: '2026-12-07T00:00:00Z' })._tag).toBe('Right');
      expect(schemaOf(t.type({ city: t.string }))).not.toBe(parameters);
    });
  });

  describe('defineTool checks the rest of the tool', () => {
    const run = () => '';
    it.each([
      [
        'a name the API refuses',
        () => defineTool({ name: 'get weather', args: t.type({}), run }),
        /name must match/,
      ],
      [
        'a name too long',
        () => defineTool({ name: 'x'.repeat(65), args: t.type({}), run }),
        /name must match/,
      ],
      [
        'no run',
        () => defineTool({ name: 'a', args: t.type({}), run: undefined as never }),
        /run must be a function/,
      ],
      [
        'no codec',
        () => defineTool({ name: 'a', args: undefined as never, run }),
        /args must be an io-ts codec/,
      ],
      [
        'parameters that are not an object',
        () => defineTool({ name: 'a', args: t.type({}), parameters: [] as never, run }),
        /parameters must be a JSON Schema object/,
      ],
    ])('%s', (_, define, message) => {
      expect(define).toThrow(RealtimeError);
      expect(define).toThrow(message);
    });
  });
});

describe('toolDefinitions', () => {
  const weather = defineTool({
    name: 'get_weather',
    description: 'The current weather in a city',
    args: t.type({ city: t.string, unit: t.union([Unit, t.undefined]) }),
    run: () => 'sunny',
  });
  const time = defineTool({ name: 'get_time', args: t.type({}), run: () => 'noon' });

  it('one GA function tool per tool, in order; description only when there is one', () => {
    expect(toolDefinitions([weather, time])).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'The current weather in a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['city'],
        },
      },
      { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } },
    ]);
    expect(Object.keys(toolDefinitions([time])[0])).toEqual(['type', 'name', 'parameters']);
    expect(toolDefinitions([])).toEqual([]);
  });

  it('two tools of one name: RealtimeError(config)', () => {
    expect(() => toolDefinitions([time, time])).toThrow(RealtimeError);
    expect(() => toolDefinitions([time, time])).toThrow('toolDefinitions: two tools are named get_time');
  });

  it('are GA function tools: the `openai` package types them (a drift breaks tsc)', () => {
    const definitions: FunctionTool[] = toolDefinitions([weather, time]);
    const ga: RealtimeFunctionTool[] = definitions;
    const session: RealtimeSessionCreateRequest = { type: 'realtime', tools: definitions };
    const response: RealtimeResponseCreateParams = { tools: definitions };
    // And the way back: what the package types as a function tool is what a tool definition says.
    const back: Required<RealtimeFunctionTool> = {
      type: 'function',
      name: 'x',
      description: 'y',
      parameters: {},
    };
    const ours: Omit<FunctionTool, 'parameters'> = back;
    expect([ga.length, session.tools?.length, response.tools?.length, ours.name]).toEqual([2, 2, 2, 'x']);
  });

  it('are GA function tools: our wire codec of session.update and response.create takes them', () => {
    const tools = toolDefinitions([weather, time]);
    const update = OpenAIClientEventCodecs['session.update'].decode({
      type: 'session.update',
      session: { type: 'realtime', tools },
    });
    const create = OpenAIClientEventCodecs['response.create'].decode({
      type: 'response.create',
      response: { tools },
    });
    expect([update._tag, create._tag]).toEqual(['Right', 'Right']);
  });

  it('RealtimeTool is generic in its arguments, and a tool of any arguments is a RealtimeTool', () => {
    const typed: RealtimeTool<{ city: string; unit?: 'celsius' | 'fahrenheit' }> = weather;
    const tools: RealtimeTool[] = [typed, time];
    expect(tools.map((tool) => tool.name)).toEqual(['get_weather', 'get_time']);
  });
});
