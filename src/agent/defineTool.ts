import type * as t from 'io-ts';
import type { ObservableInput } from 'rxjs';
import { RealtimeError } from '../protocol/errors.js';
import { TOOL_NAME } from '../protocol/openai/validate.js';
import { argumentsSchema, NoSchema } from './jsonSchema.js';

/**
 * A tool the model may call: its name, its arguments' codec and JSON Schema, and what it does. Made by
 * {@link defineTool}; offered to the model with {@link toolDefinitions} and run by {@link runTools}.
 *
 * @example
 * ```ts
 * import * as t from 'io-ts';
 * import { defineTool, type RealtimeTool } from 'realtime-rx';
 *
 * const time: RealtimeTool = defineTool({
 *   name: 'get_time',
 *   args: t.type({}),
 *   run: () => new Date().toISOString(),
 * });
 * ```
 */
export interface RealtimeTool<A = unknown> {
  /** The function's name (`^[a-zA-Z0-9_-]{1,64}$`), which `tool.call` events carry. */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description?: string;
  /** The JSON Schema of the arguments (an object): the one given, or derived from `args`. */
  readonly parameters: Record<string, unknown>;
  /** Checks and decodes the arguments, once parsed from their JSON text. */
  readonly args: t.Decoder<unknown, A>;
  /**
   * Does the work: the output for the model (often JSON text), as a value, a Promise or an Observable
   * (its first value). `signal` aborts when the call no longer needs an answer.
   */
  run(args: A, context: { callId: string; signal: AbortSignal }): ObservableInput<string> | string;
}

/**
 * Defines a tool: its arguments' io-ts codec, its JSON Schema for the model, and what it does.
 *
 * The JSON Schema (`parameters`) is derived from `args` unless given. Derived are: `t.type` (a key
 * whose codec accepts `undefined` is optional), `t.partial`, `t.intersection` of them, `t.exact` /
 * `t.strict` (`additionalProperties: false`), `t.readonly`, `t.array`, `t.record(t.string, ...)`,
 * `t.string`, `t.number`, `t.Int` (`integer`), `t.boolean`, `t.null`, `t.unknown`, `t.literal`,
 * `t.keyof`, `t.union` (of literals: an `enum`; else `anyOf`), refinements and branded types (as their
 * base type; the codec still checks them when a call comes). The whole is an object: the model's
 * arguments are a JSON object.
 *
 * `run` gets the decoded arguments and `{ callId, signal }`, and returns the output: a string, a
 * Promise of one or an Observable (its first value answers; the Observable is then unsubscribed). The
 * `signal` aborts, and an Observable is unsubscribed, when the call no longer needs an answer (see
 * {@link runTools}).
 *
 * @example
 * A weather tool: the model calls it with `{"city":"Paris"}`
 * ```ts
 * import * as t from 'io-ts';
 * import { connectConversation, defineTool, runTools, toolDefinitions } from 'realtime-rx';
 *
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'The current weather in a city',
 *   args: t.type({ city: t.string, unit: t.union([t.literal('celsius'), t.literal('fahrenheit'), t.undefined]) }),
 *   run: async ({ city }, { signal }) => {
 *     const response = await fetch(`https://wttr.in/${encodeURIComponent(city)}?format=j1`, { signal });
 *     return JSON.stringify(await response.json());
 *   },
 * });
 * // weather.parameters: { type: 'object', properties: { city: { type: 'string' },
 * //   unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] }
 *
 * const conversation = connectConversation({
 *   url: 'https://api.openai.com',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   session: { tools: toolDefinitions([weather]) },
 * });
 * conversation.events$.pipe(runTools([weather])).subscribe(conversation.control);
 * ```
 *
 * @see {@link runTools}
 * @see {@link toolDefinitions}
 *
 * @param o The tool: `name`, `description`, `args` (the arguments' io-ts codec), `parameters` (their
 * JSON Schema, when it is not to be derived from `args`) and `run`.
 * @return The tool, for {@link toolDefinitions} and {@link runTools}.
 * @throws {RealtimeError} `config`, synchronously: a name the API refuses, no `run`, a `parameters`
 * that is not an object, or `args` with no JSON Schema derived (the message names where, e.g.
 * `args.when`) and no `parameters` given.
 */
export function defineTool<A>(o: {
  name: string;
  description?: string;
  args: t.Type<A, unknown>;
  parameters?: Record<string, unknown>;
  run: (args: A, context: { callId: string; signal: AbortSignal }) => ObservableInput<string> | string;
}): RealtimeTool<A> {
  const { name, description, args, parameters, run } = o;
  const fail = (problem: string): never => {
    throw new RealtimeError('config', `defineTool ${String(name)}: ${problem}`);
  };
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) fail(`name must match ${TOOL_NAME.source}`);
  if (description !== undefined && typeof description !== 'string') fail('description must be a string');
  if (typeof args?.decode !== 'function') fail('args must be an io-ts codec');
  if (typeof run !== 'function') fail('run must be a function');
  if (
    parameters !== undefined &&
    (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
  )
    fail('parameters must be a JSON Schema object');
  let schema = parameters;
  if (schema === undefined) {
    try {
      schema = argumentsSchema(args);
    } catch (error) {
      if (!(error instanceof NoSchema)) throw error;
      fail(`${error.message}; give \`parameters\``);
    }
  }
  const tool: RealtimeTool<A> = { name, parameters: schema!, args, run };
  return description === undefined ? tool : { ...tool, description };
}
