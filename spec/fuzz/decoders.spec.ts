/**
 * Fuzzing of the inbound decoders of both dialects, through the public dialect interface.
 *
 * Contract under test (`DialectSession.decode`: "never throws"): every text frame, however broken,
 * decodes to a well-formed `RealtimeEvent` (an `invalid` one with a short string `detail` when it
 * cannot be decoded) or to a skip marker, deterministically; and `takePending()` only ever returns
 * `undefined` or JSON-object frames with a string `type`.
 *
 * Per dialect and per run: 2 000 arbitrary strings + 2 000 `fc.json()` + 1 000 `fc.jsonValue()` +
 * 2 000 objects of a known type + 4 000 mutated samples = 11 000 frames (plus the determinism runs
 * and the deep-nesting cases). Seeds are random; a failure prints the seed and the shrunk frame
 * (replay with `FUZZ_SEED=<seed>`).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  codexDialect,
  openaiDialect,
  IGNORED_TYPE,
  UNKNOWN_TYPE,
  type Decoded,
  type Dialect,
  type RealtimeEvent,
} from '../../src/index';
import { OPENAI_DECODED_TYPES, OPENAI_IGNORED_TYPES } from '../../src/protocol/openai/decode';
import type { OpenAIServerEvent } from '../../src/protocol/openai/wire';
import { openaiServerEvent as ev } from '../../src/testing/openaiServerEvent';

const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = (numRuns: number): fc.Parameters<unknown> =>
  SEED === undefined ? { numRuns } : { numRuns, seed: SEED };

// ---------------------------------------------------------------------------------------------------
// Sessions: the decoder of one socket, through the public interface.

type Session = ReturnType<ReturnType<Dialect['prepare']>['newSession']>;

/**
 * A fresh session. For openai it is put in the state where a response request is HELD (two texts:
 * the first one's `response.create` is sent, the second is held), so that decoding a `response.done`
 * / `response.cancelled` releases a frame and `takePending()` is exercised with real content.
 */
function freshSession(dialect: Dialect): Session {
  const session = dialect.prepare({ url: 'http://127.0.0.1:1' }).newSession();
  if (dialect === openaiDialect) {
    session.encodeText('first');
    session.encodeText('second');
  }
  return session;
}

// ---------------------------------------------------------------------------------------------------
// What a decoded frame may be.

/** Events that come from the socket's life, never from decoding a frame. */
type TransportEventType = 'closed' | 'reconnecting' | 'reconnected' | 'texts.unconfirmed';
/**
 * Every `RealtimeEvent` type a DECODER may produce. A `Record` over the union, so that a new event
 * type fails the typecheck here until it is classified (decodable, or transport-only above).
 */
const DECODABLE: Record<Exclude<RealtimeEvent['type'], TransportEventType>, true> = {
  'session.created': true,
  'session.updated': true,
  'audio.out': true,
  'conversation.item.added': true,
  'conversation.item.done': true,
  'transcript.delta': true,
  'transcript.done': true,
  'speech.started': true,
  'response.created': true,
  'response.done': true,
  'response.cancelled': true,
  'tool.call': true,
  'transcript.failed': true,
  'speech.stopped': true,
  'input.committed': true,
  'input.cleared': true,
  'input.timeout': true,
  'item.retrieved': true,
  'item.truncated': true,
  'item.deleted': true,
  rate_limits: true,
  error: true,
  invalid: true,
};
const DECODED_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(DECODABLE));

/** An `invalid` detail must stay short whatever the frame (details quote at most a prefix of it). */
const MAX_DETAIL_CHARS = 1_000;

const isString = (v: unknown): v is string => typeof v === 'string';
const isOptString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isRole = (v: unknown): boolean => v === 'user' || v === 'assistant';

/** Why `decoded` is not a valid decode result, or undefined when it is. */
function problemOf(decoded: unknown): string | undefined {
  if (decoded === UNKNOWN_TYPE || decoded === IGNORED_TYPE) return undefined;
  if (typeof decoded !== 'object' || decoded === null)
    return `not an event nor a skip marker: ${String(decoded)}`;
  const e = decoded as Record<string, unknown>;
  if (!isString(e.type)) return 'no string type';
  if (!DECODED_EVENT_TYPES.has(e.type)) return `unknown event type ${JSON.stringify(e.type)}`;
  switch (e.type) {
    case 'invalid':
      if (!isString(e.detail)) return 'invalid without a string detail';
      if (e.detail.length > MAX_DETAIL_CHARS) return `invalid detail of ${e.detail.length} chars`;
      return isOptString(e.messageType) ? undefined : 'invalid with a non-string messageType';
    case 'session.created':
      return isString(e.sessionId) ? undefined : 'session.created without a string sessionId';
    case 'session.updated':
      return isOptString(e.sessionId) && isOptString(e.instructions)
        ? undefined
        : 'session.updated with non-string fields';
    case 'audio.out': {
      const f = e.frame as Record<string, unknown> | undefined;
      if (typeof f !== 'object' || f === null) return 'audio.out without a frame';
      if (!isString(f.data) || typeof f.sampleRate !== 'number' || typeof f.numChannels !== 'number')
        return 'audio.out with a bad frame';
      if (f.samplesPerChannel !== undefined && typeof f.samplesPerChannel !== 'number')
        return 'audio.out with a bad samplesPerChannel';
      return isOptString(f.itemId) ? undefined : 'audio.out with a non-string itemId';
    }
    case 'conversation.item.added':
      return typeof e.item === 'object' && e.item !== null && !Array.isArray(e.item)
        ? undefined
        : 'item.added whose item is not an object';
    case 'conversation.item.done':
      return isString(e.itemId) ? undefined : 'item.done without a string itemId';
    case 'transcript.delta':
      return isRole(e.role) && isString(e.delta) ? undefined : 'bad transcript.delta';
    case 'transcript.done':
      return isRole(e.role) && isString(e.text) ? undefined : 'bad transcript.done';
    case 'speech.started':
      return isOptString(e.itemId) ? undefined : 'speech.started with a non-string itemId';
    case 'response.created':
    case 'response.done':
    case 'response.cancelled':
      return isOptString(e.responseId) ? undefined : `${e.type} with a non-string responseId`;
    case 'tool.call':
      return isString(e.callId) && isString(e.name) && isString(e.arguments)
        ? undefined
        : 'tool.call with non-string fields';
    case 'error':
      return isString(e.message) && isOptString(e.code) ? undefined : 'error with non-string fields';
  }
  return undefined;
}

/** Why the result of `takePending()` is not `undefined` or an array of JSON-object frames with a string type. */
function pendingProblem(pending: unknown): string | undefined {
  if (pending === undefined) return undefined;
  if (!Array.isArray(pending)) return 'takePending returned neither undefined nor an array';
  for (const frame of pending) {
    if (!isString(frame)) return 'takePending returned a non-string frame';
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame);
    } catch {
      return `takePending returned non-JSON: ${frame.slice(0, 80)}`;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return 'takePending returned a non-object frame';
    if (!isString((parsed as { type?: unknown }).type))
      return 'takePending returned a frame without a string type';
  }
  return undefined;
}

/** Tallies of what a property saw, so a run can also show it was not vacuous. */
interface Tally {
  frames: number;
  kinds: Map<string, number>;
  pendingFrames: number;
}
const newTally = (): Tally => ({ frames: 0, kinds: new Map(), pendingFrames: 0 });
/** `FUZZ_STATS=1` prints what each property's frames decoded to. */
function report(name: string, tally: Tally): void {
  if (process.env.FUZZ_STATS)
    console.log(
      `${name}: ${tally.frames} frames, ${tally.pendingFrames} pending frames`,
      Object.fromEntries(tally.kinds),
    );
}
const kindOf = (d: Decoded): string =>
  d === UNKNOWN_TYPE ? 'UNKNOWN_TYPE' : d === IGNORED_TYPE ? 'IGNORED_TYPE' : d.type;

const short = (text: string): string =>
  text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}… (${text.length} chars)` : JSON.stringify(text);

/**
 * The core check, run on every generated frame: decode in a fresh session does not throw, yields a
 * valid result, `takePending()` yields valid frames. Throws (failing the property) otherwise.
 */
function checkFrame(dialect: Dialect, frame: string, tally: Tally): Decoded {
  const session = freshSession(dialect);
  let decoded: Decoded;
  try {
    decoded = session.decode(frame);
  } catch (error) {
    throw new Error(`${dialect.name} decode threw ${String(error)} on ${short(frame)}`);
  }
  const problem = problemOf(decoded);
  if (problem !== undefined) throw new Error(`${dialect.name} decode of ${short(frame)}: ${problem}`);
  let pending: unknown;
  try {
    pending = session.takePending();
  } catch (error) {
    throw new Error(`${dialect.name} takePending threw ${String(error)} after ${short(frame)}`);
  }
  const pendingIssue = pendingProblem(pending);
  if (pendingIssue !== undefined) throw new Error(`${dialect.name} after ${short(frame)}: ${pendingIssue}`);
  if (session.takePending() !== undefined)
    throw new Error(`${dialect.name}: takePending returned frames twice after ${short(frame)}`);
  tally.frames++;
  tally.kinds.set(kindOf(decoded), (tally.kinds.get(kindOf(decoded)) ?? 0) + 1);
  tally.pendingFrames += Array.isArray(pending) ? pending.length : 0;
  return decoded;
}

// ---------------------------------------------------------------------------------------------------
// Valid sample frames per dialect, with the event each must decode to.

interface Sample {
  frame: Record<string, unknown>;
  expected: Decoded;
}

const PCM = 'AAAAAA=='; // 4 bytes: 2 PCM16 samples

const CODEX_SAMPLES: Sample[] = [
  {
    frame: { type: 'session.created', session: { id: 'sess_1' } },
    expected: { type: 'session.created', sessionId: 'sess_1' },
  },
  {
    frame: { type: 'session.created', session_id: 'sess_2' },
    expected: { type: 'session.created', sessionId: 'sess_2' },
  },
  {
    frame: { type: 'session.updated', session: { id: 's', backend_prompt: 'be brief' } },
    expected: { type: 'session.updated', sessionId: 's', instructions: 'be brief' },
  },
  {
    frame: {
      type: 'response.output_audio.delta',
      delta: PCM,
      sample_rate: 24000,
      num_channels: 1,
      samples_per_channel: 2,
      item_id: 'it_1',
    },
    expected: {
      type: 'audio.out',
      frame: { data: PCM, sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'it_1' },
    },
  },
  {
    frame: { type: 'response.output_audio.delta', data: PCM, sample_rate: 48000, num_channels: 2 },
    expected: { type: 'audio.out', frame: { data: PCM, sampleRate: 48000, numChannels: 2 } },
  },
  {
    frame: {
      type: 'conversation.item.added',
      item: { id: 'item_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    },
    expected: {
      type: 'conversation.item.added',
      item: { id: 'item_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    },
  },
  { frame: { type: 'error', message: 'boom' }, expected: { type: 'error', message: 'boom' } },
  {
    frame: { type: 'error', error: { message: 'nested boom', code: 'x' } },
    expected: { type: 'error', message: 'nested boom' },
  },
  { frame: { type: 'error', error: { code: 42 } }, expected: { type: 'error', message: '{"code":42}' } },
  { frame: { type: 'response.done', response: { id: 'r' } }, expected: UNKNOWN_TYPE },
];

const ids = {
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
};

const at = { itemId: 'item_1', responseId: 'resp_1' };

const OPENAI_SAMPLES: Sample[] = [
  {
    frame: {
      type: 'session.created',
      event_id: 'event_1',
      session: { id: 'sess_1', object: 'realtime.session', type: 'realtime', model: 'gpt-realtime' },
    },
    expected: { type: 'session.created', sessionId: 'sess_1' },
  },
  {
    frame: {
      type: 'session.updated',
      event_id: 'event_2',
      session: { id: 'sess_1', type: 'realtime', instructions: 'be brief' },
    },
    expected: { type: 'session.updated', sessionId: 'sess_1', instructions: 'be brief' },
  },
  ...['response.output_audio.delta', 'response.audio.delta'].map((type): Sample => ({
    frame: { type, ...ids, delta: PCM },
    expected: {
      type: 'audio.out',
      frame: { data: PCM, sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'item_1' },
    },
  })),
  {
    frame: {
      type: 'conversation.item.input_audio_transcription.delta',
      event_id: 'e',
      item_id: 'item_u',
      content_index: 0,
      delta: 'hel',
    },
    expected: { type: 'transcript.delta', role: 'user', delta: 'hel', itemId: 'item_u' },
  },
  {
    frame: {
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: 'e',
      item_id: 'item_u',
      content_index: 0,
      transcript: 'hello',
      usage: { type: 'duration', seconds: 1 },
    },
    expected: { type: 'transcript.done', role: 'user', text: 'hello', itemId: 'item_u' },
  },
  ...[
    'response.output_audio_transcript.delta',
    'response.audio_transcript.delta',
    'response.output_text.delta',
    'response.text.delta',
  ].map((type): Sample => ({
    frame: { type, ...ids, delta: 'Hi' },
    expected: { type: 'transcript.delta', role: 'assistant', delta: 'Hi', ...at },
  })),
  ...['response.output_audio_transcript.done', 'response.audio_transcript.done'].map((type): Sample => ({
    frame: { type, ...ids, transcript: 'Hi there' },
    expected: { type: 'transcript.done', role: 'assistant', text: 'Hi there', ...at },
  })),
  ...['response.output_text.done', 'response.text.done'].map((type): Sample => ({
    frame: { type, ...ids, text: 'Hi there' },
    expected: { type: 'transcript.done', role: 'assistant', text: 'Hi there', ...at },
  })),
  {
    frame: {
      type: 'input_audio_buffer.speech_started',
      event_id: 'e',
      audio_start_ms: 120,
      item_id: 'item_u',
    },
    expected: { type: 'speech.started', itemId: 'item_u' },
  },
  ...['conversation.item.added', 'conversation.item.created'].map((type): Sample => ({
    frame: {
      type,
      event_id: 'e',
      previous_item_id: null,
      item: { id: 'item_1', type: 'message', role: 'user', content: [] },
    },
    expected: {
      type: 'conversation.item.added',
      item: { id: 'item_1', type: 'message', role: 'user', content: [] },
    },
  })),
  {
    frame: {
      type: 'conversation.item.done',
      event_id: 'e',
      item: { id: 'item_1', type: 'message', role: 'assistant', status: 'completed', content: [] },
    },
    expected: { type: 'conversation.item.done', itemId: 'item_1' },
  },
  {
    frame: {
      type: 'conversation.item.done',
      event_id: 'e',
      item: { id: 'item_f', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
    },
    expected: { type: 'tool.call', callId: 'call_1', name: 'lookup', arguments: '{"q":1}', itemId: 'item_f' },
  },
  {
    frame: {
      type: 'response.created',
      event_id: 'e',
      response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] },
    },
    expected: { type: 'response.created', responseId: 'resp_1' },
  },
  {
    frame: {
      type: 'response.done',
      event_id: 'e',
      response: { id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 3 } },
    },
    expected: {
      type: 'response.done',
      responseId: 'resp_1',
      status: 'completed',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 3 },
    },
  },
  {
    frame: {
      type: 'response.done',
      event_id: 'e',
      response: {
        id: 'resp_2',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
      },
    },
    expected: {
      type: 'response.cancelled',
      responseId: 'resp_2',
      status: 'cancelled',
      statusDetails: { reason: 'turn_detected' },
    },
  },
  {
    frame: { type: 'response.cancelled', event_id: 'e', response_id: 'resp_3' },
    expected: { type: 'response.cancelled', responseId: 'resp_3' },
  },
  {
    frame: {
      type: 'error',
      event_id: 'e',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: 'bad value',
        param: 'x',
        event_id: 'c1',
      },
    },
    expected: { type: 'error', message: 'bad value', code: 'invalid_value' },
  },
  {
    frame: { type: 'error', event_id: 'e', error: { type: 'server_error', code: null, message: 'oops' } },
    expected: { type: 'error', message: 'oops' },
  },
  {
    frame: {
      type: 'error',
      event_id: 'e',
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: 'busy',
      },
    },
    expected: {
      type: 'invalid',
      messageType: 'error',
      detail: 'server rejected a request (conversation_already_has_active_response): busy',
    },
  },
  ...OPENAI_IGNORED_TYPES.map((type): Sample => ({
    frame: ev(type as OpenAIServerEvent['type']),
    expected: IGNORED_TYPE,
  })),
  {
    frame: ev('input_audio_buffer.speech_stopped', { item_id: 'item_u', audio_end_ms: 900 }),
    expected: { type: 'speech.stopped', itemId: 'item_u', audioEndMs: 900 },
  },
  {
    frame: ev('input_audio_buffer.committed', { item_id: 'item_u', previous_item_id: null }),
    expected: { type: 'input.committed', itemId: 'item_u', previousItemId: null },
  },
  { frame: ev('input_audio_buffer.cleared'), expected: { type: 'input.cleared' } },
  {
    frame: ev('input_audio_buffer.timeout_triggered', { item_id: 'item_t' }),
    expected: { type: 'input.timeout', itemId: 'item_t' },
  },
  {
    frame: ev('conversation.item.input_audio_transcription.failed', {
      item_id: 'item_u',
      error: { message: 'no speech' },
    }),
    expected: { type: 'transcript.failed', itemId: 'item_u', message: 'no speech' },
  },
  {
    frame: ev('conversation.item.retrieved', {
      item: { type: 'function_call_output', call_id: 'c', output: 'o' },
    }),
    expected: { type: 'item.retrieved', item: { type: 'function_call_output', call_id: 'c', output: 'o' } },
  },
  {
    frame: ev('conversation.item.truncated', { item_id: 'item_1', content_index: 0, audio_end_ms: 20 }),
    expected: { type: 'item.truncated', itemId: 'item_1', contentIndex: 0, audioEndMs: 20 },
  },
  {
    frame: ev('conversation.item.deleted', { item_id: 'item_1' }),
    expected: { type: 'item.deleted', itemId: 'item_1' },
  },
  {
    frame: ev('rate_limits.updated', {
      rate_limits: [{ name: 'tokens', limit: 9, remaining: 8, reset_seconds: 1 }],
    }),
    expected: { type: 'rate_limits', limits: [{ name: 'tokens', limit: 9, remaining: 8, resetSeconds: 1 }] },
  },
  { frame: ev('response.output_item.added'), expected: IGNORED_TYPE },
  { frame: ev('response.output_item.done'), expected: IGNORED_TYPE },
  { frame: { type: 'response.brand_new_event', event_id: 'e' }, expected: UNKNOWN_TYPE },
];

const DIALECTS: { dialect: Dialect; samples: Sample[] }[] = [
  { dialect: codexDialect, samples: CODEX_SAMPLES },
  { dialect: openaiDialect, samples: OPENAI_SAMPLES },
];

/** The wire types the samples name (the "known" types of a dialect), and every key they use at any depth. */
function typesOf(samples: Sample[]): string[] {
  return [...new Set(samples.map((s) => s.frame.type as string))];
}
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

// ---------------------------------------------------------------------------------------------------
// Mutations of sample frames. A frame is first turned into a tree that can also hold duplicate keys
// and raw JSON text (non-standard numbers, pre-built deep nesting), then serialized, then maybe
// mutated as text.

class Raw {
  constructor(readonly text: string) {}
}
type Node = null | boolean | number | string | Raw | Node[] | Obj;
class Obj {
  constructor(readonly entries: [string, Node][]) {}
}

function toNode(value: unknown): Node {
  if (Array.isArray(value)) return value.map(toNode);
  if (typeof value === 'object' && value !== null)
    return new Obj(Object.entries(value).map(([k, v]) => [k, toNode(v)]));
  return value as Node;
}

function serialize(node: Node): string {
  if (node instanceof Raw) return node.text;
  if (node instanceof Obj)
    return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  if (Array.isArray(node)) return `[${node.map(serialize).join(',')}]`;
  return JSON.stringify(node);
}

/** A place in the tree: a slot in a parent (object entry or array element). */
interface Slot {
  get(): Node;
  set(node: Node): void;
  /** Removes the slot (object entries only). */
  remove?: () => void;
}

function slotsOf(node: Node, into: Slot[] = []): Slot[] {
  if (node instanceof Obj) {
    for (const entry of node.entries) {
      into.push({
        get: () => entry[1],
        set: (n) => (entry[1] = n),
        remove: () => node.entries.splice(node.entries.indexOf(entry), 1),
      });
      slotsOf(entry[1], into);
    }
  } else if (Array.isArray(node)) {
    node.forEach((child, i) => {
      into.push({ get: () => node[i]!, set: (n) => (node[i] = n) });
      slotsOf(child, into);
    });
  }
  return into;
}

function objectsOf(node: Node, into: Obj[] = []): Obj[] {
  if (node instanceof Obj) {
    into.push(node);
    node.entries.forEach(([, v]) => objectsOf(v, into));
  } else if (Array.isArray(node)) node.forEach((v) => objectsOf(v, into));
  return into;
}

const jsonKind = (n: Node): string =>
  n === null
    ? 'null'
    : n instanceof Obj
      ? 'object'
      : Array.isArray(n)
        ? 'array'
        : n instanceof Raw
          ? 'raw'
          : typeof n;
/** One value of each JSON kind, for when a random replacement happens to have the original's kind. */
const OTHER_KIND: Node[] = [null, true, 0, '', [], new Obj([])];

const NUMBER_TEXTS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '-0.0',
  '0e0',
  '1E400',
  '9007199254740993',
  '-9007199254740993',
  '0x10',
  '01',
  '1.',
  '.5',
  '+1',
  '1e',
  '--1',
  '1_000',
  '4.9e-324',
  '1.7976931348623157e308',
  '123456789012345678901234567890',
];
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  '__defineGetter__',
];

type StructuralOp =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: fc.JsonValue }
  | { kind: 'duplicate'; at: number; key: number; value: fc.JsonValue; first: boolean }
  | { kind: 'nest'; at: number; depth: number; style: 'array' | 'object' | 'mixed' }
  | { kind: 'huge'; at: number; length: number; chunk: string }
  | { kind: 'number'; at: number; text: string }
  | { kind: 'proto'; at: number; key: string; value: fc.JsonValue; typed: boolean };

type TextOp =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'delete'; at: number };

/** Depth of the `nest` mutation in the general properties; far deeper nesting has its own property below. */
const MAX_GENERAL_NEST = 1_000;
const MAX_HUGE = 100_000;

const smallJson = fc.jsonValue({ maxDepth: 3 });
const structuralOp: fc.Arbitrary<StructuralOp> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: smallJson }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    key: fc.nat(),
    value: smallJson,
    first: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: MAX_GENERAL_NEST })),
    style: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
  }),
  fc.record({
    kind: fc.constant('huge' as const),
    at: fc.nat(),
    length: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1_000, max: MAX_HUGE })),
    chunk: fc.oneof(
      fc.constantFrom('A', 'AAAA', 'x', '"', '\\', '\u2028', '\ud83d\ude00', '\ud800'),
      fc.string({ minLength: 1, maxLength: 8 }),
    ),
  }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), text: fc.constantFrom(...NUMBER_TEXTS) }),
  fc.record({
    kind: fc.constant('proto' as const),
    at: fc.nat(),
    key: fc.constantFrom(...PROTO_KEYS),
    value: smallJson,
    typed: fc.boolean(),
  }),
);
const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    char: fc.oneof(
      fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\ud800'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function nested(depth: number, style: 'array' | 'object' | 'mixed', inner: string): string {
  if (style === 'array') return '['.repeat(depth) + inner + ']'.repeat(depth);
  if (style === 'object') return '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const even = i % 2 === 0;
    open += even ? '[' : '{"k":';
    close = (even ? ']' : '}') + close;
  }
  return open + inner + close;
}

function applyStructural(
  root: Obj,
  op: StructuralOp,
  knownTypes: readonly string[],
  keyPool: readonly string[],
): void {
  const slots = slotsOf(root);
  const slot = slots.length > 0 ? slots[op.at % slots.length] : undefined;
  switch (op.kind) {
    case 'drop': {
      const removable = slots.filter((s) => s.remove !== undefined);
      if (removable.length > 0) removable[op.at % removable.length].remove!();
      return;
    }
    case 'replace': {
      if (slot === undefined) return;
      let value = toNode(op.value);
      if (jsonKind(value) === jsonKind(slot.get()))
        value = OTHER_KIND.find((n) => jsonKind(n) !== jsonKind(slot.get()))!;
      slot.set(value);
      return;
    }
    case 'duplicate': {
      const objects = objectsOf(root);
      const target = objects[op.at % objects.length];
      const existing = target.entries.map(([k]) => k);
      const keys = existing.length > 0 ? existing : keyPool;
      const entry: [string, Node] = [keys[op.key % keys.length], toNode(op.value)];
      if (op.first) target.entries.unshift(entry);
      else target.entries.push(entry);
      return;
    }
    case 'nest':
      slot?.set(new Raw(nested(op.depth, op.style, serialize(slot.get()))));
      return;
    case 'huge': {
      const text = op.chunk.repeat(Math.ceil(op.length / op.chunk.length)).slice(0, op.length);
      if (slot !== undefined) slot.set(text);
      return;
    }
    case 'number':
      slot?.set(new Raw(op.text));
      return;
    case 'proto': {
      const objects = objectsOf(root);
      const target = objects[op.at % objects.length];
      const value = op.typed
        ? new Obj([
            ['type', knownTypes[op.at % knownTypes.length]],
            ['polluted', toNode(op.value)],
          ])
        : toNode(op.value);
      target.entries.splice(op.at % (target.entries.length + 1), 0, [op.key, value]);
      return;
    }
  }
}

function applyText(text: string, op: TextOp): string {
  const at = text.length === 0 ? 0 : op.at % (text.length + 1);
  switch (op.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'flip': {
      if (text.length === 0) return text;
      const i = op.at % text.length;
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << op.bit)) + text.slice(i + 1);
    }
    case 'insert':
      return text.slice(0, at) + op.char + text.slice(at);
    case 'delete':
      return text.length === 0
        ? text
        : text.slice(0, op.at % text.length) + text.slice((op.at % text.length) + 1);
  }
}

function mutatedFrames(samples: Sample[]): fc.Arbitrary<string> {
  const knownTypes = typesOf(samples);
  const keyPool = [...keysOf(samples.map((s) => s.frame))];
  return fc
    .record({
      sample: fc.nat({ max: samples.length - 1 }),
      structural: fc.array(structuralOp, { minLength: 0, maxLength: 3 }),
      text: fc.array(textOp, { minLength: 0, maxLength: 2 }),
    })
    .filter(({ structural, text }) => structural.length + text.length > 0)
    .map(({ sample, structural, text }) => {
      const root = toNode(samples[sample].frame) as Obj;
      for (const op of structural) applyStructural(root, op, knownTypes, keyPool);
      let frame = serialize(root);
      for (const op of text) frame = applyText(frame, op);
      return frame;
    });
}

/** Objects with a known `type` and random other fields: sample keys (so the decoders' fields get random values) and random keys. */
function knownTypeFrames(samples: Sample[]): fc.Arbitrary<string> {
  const keyPool = [...keysOf(samples.map((s) => s.frame))].filter((k) => k !== 'type');
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...keyPool) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    fc.constantFrom<unknown>(
      PCM,
      'AAAA',
      '',
      'function_call',
      'cancelled',
      'conversation_already_has_active_response',
      24000,
      -1,
      1.5,
    ),
  );
  // Random fields alone, or over a valid sample of the type (where validation asks for every required
  // field, frames made of random fields alone are almost never events).
  return fc
    .record({
      sample: fc.nat(samples.length - 1),
      base: fc.boolean(),
      fields: fc.dictionary(key, value, { maxKeys: 6 }),
    })
    .map(({ sample, base, fields }) => {
      const frame = samples[sample].frame;
      return JSON.stringify(
        base ? { ...frame, ...fields, type: frame.type } : { ...fields, type: frame.type },
      );
    });
}

/** Strings over JSON's own alphabet: mostly near-JSON garbage, which exercises the parser's error paths. */
const jsonishString = fc.string({
  unit: fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    ' ',
    '1',
    '-',
    '.',
    'e',
    'true',
    'null',
    '"type"',
    '\\',
    'u',
    '0',
  ),
  maxLength: 60,
});

// ---------------------------------------------------------------------------------------------------

/** Generated frames per property per dialect (11 000 in total per dialect). */
const RUNS = { strings: 2_000, json: 2_000, jsonValue: 1_000, knownType: 2_000, mutations: 4_000 };
const TOTAL_RUNS = Object.values(RUNS).reduce((a, b) => a + b, 0);

describe.each(DIALECTS)(
  `$dialect.name decoder fuzzing (${TOTAL_RUNS} generated and mutated frames per run)`,
  ({ dialect, samples }) => {
    const objectProtoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    afterAll(() => {
      // No mutation (`__proto__`, `constructor`, ...) may pollute the global prototypes.
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectProtoKeys);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each(samples.map((s) => [typeof s.frame.type === 'string' ? s.frame.type : '?', s] as const))(
      'valid sample %s decodes to its expected event (the harness is not vacuous)',
      (_type, { frame, expected }) => {
        const session = freshSession(dialect);
        expect(session.decode(JSON.stringify(frame))).toEqual(expected);
      },
    );

    it(`never throws on ${RUNS.strings + RUNS.json + RUNS.jsonValue} arbitrary strings and JSON texts (${RUNS.strings} strings, ${RUNS.json} fc.json, ${RUNS.jsonValue} fc.jsonValue)`, () => {
      const tally = newTally();
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc.string({ unit: 'binary', maxLength: 200 }),
            jsonishString,
          ),
          (text) => void checkFrame(dialect, text, tally),
        ),
        params(RUNS.strings),
      );
      fc.assert(
        fc.property(fc.json(), (text) => void checkFrame(dialect, text, tally)),
        params(RUNS.json),
      );
      fc.assert(
        fc.property(
          fc.jsonValue(),
          (value) => void checkFrame(dialect, JSON.stringify(value) ?? 'null', tally),
        ),
        params(RUNS.jsonValue),
      );
      report(`${dialect.name} strings+json`, tally);
      expect(tally.frames).toBe(RUNS.strings + RUNS.json + RUNS.jsonValue);
      expect(tally.kinds.get('invalid')).toBeGreaterThan(0);
    });

    it(`never throws on ${RUNS.knownType} objects with a known type and random fields, and yields real events too`, () => {
      const tally = newTally();
      fc.assert(
        fc.property(knownTypeFrames(samples), (text) => void checkFrame(dialect, text, tally)),
        params(RUNS.knownType),
      );
      report(`${dialect.name} known types`, tally);
      expect(tally.frames).toBe(RUNS.knownType);
      // Not vacuous: some random frames decode to events, others are refused with `invalid`.
      expect(tally.kinds.get('invalid')).toBeGreaterThan(0);
      expect(
        [...tally.kinds.keys()].filter((k) => k !== 'invalid' && k !== 'UNKNOWN_TYPE' && k !== 'IGNORED_TYPE')
          .length,
      ).toBeGreaterThan(2);
    });

    it(`never throws on ${RUNS.mutations} mutated sample frames (drop/replace/duplicate keys, nesting ≤ ${MAX_GENERAL_NEST}, strings ≤ ${MAX_HUGE / 1000} KB, odd numbers, __proto__ keys, truncation, char flips)`, () => {
      const tally = newTally();
      fc.assert(
        fc.property(mutatedFrames(samples), (text) => void checkFrame(dialect, text, tally)),
        params(RUNS.mutations),
      );
      report(`${dialect.name} mutations`, tally);
      expect(tally.frames).toBe(RUNS.mutations);
      expect(tally.kinds.get('invalid')).toBeGreaterThan(0);
      expect([...tally.kinds.keys()].length).toBeGreaterThan(3);
      if (dialect === openaiDialect) expect(tally.pendingFrames).toBeGreaterThan(0); // a held response.create was released at least once
    });

    it('is deterministic: the same frame gives deep-equal results (in two fresh sessions)', () => {
      const frames = fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.json(),
        knownTypeFrames(samples),
        mutatedFrames(samples),
      );
      fc.assert(
        fc.property(frames, (text) => {
          const a = freshSession(dialect);
          const b = freshSession(dialect);
          const first = a.decode(text);
          const second = b.decode(text);
          if (!isDeepStrictEqual(first, second)) throw new Error(`different results for ${short(text)}`);
          if (!isDeepStrictEqual(a.takePending(), b.takePending()))
            throw new Error(`different pending frames after ${short(text)}`);
        }),
        params(1_000),
      );
    });

    it('never throws on values nested 1 000 to 20 000 levels deep in any field of a sample (arrays, objects, mixed)', () => {
      const tally = newTally();
      const deep = fc.record({
        sample: fc.nat({ max: samples.length - 1 }),
        at: fc.nat(),
        depth: fc.integer({ min: 1_000, max: 20_000 }),
        style: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
      });
      fc.assert(
        fc.property(deep, ({ sample, at, depth, style }) => {
          const root = toNode(samples[sample].frame) as Obj;
          applyStructural(root, { kind: 'nest', at, depth, style }, [], []);
          void checkFrame(dialect, serialize(root), tally);
        }),
        params(200),
      );
    });

    // Pinned cases of the above (each about 10 KB on the wire). Both dialects' invalid details go through
    // formatDecodeErrors → compact(), whose fallback `String(value)` recurses like JSON.stringify does;
    // the codex `error` fallback calls `JSON.stringify(m.error)` unguarded.
    const DEPTH = 5_000;
    const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
    const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
    it.each([
      [
        'an invalid session.created whose session is a deep array',
        `{"type":"session.created","session":${deepArray}}`,
      ],
      [
        'an invalid conversation.item.added whose item is a deep array',
        `{"type":"conversation.item.added","item":${deepArray}}`,
      ],
      ['an error whose error is a deep array', `{"type":"error","error":${deepArray}}`],
      ['an error whose error is a deep object', `{"type":"error","error":${deepObject}}`],
    ])(`never throws on %s (${DEPTH} levels)`, (_name, frame) => {
      void checkFrame(dialect, frame, newTally());
    });
  },
);

describe('openai samples', () => {
  it('cover every wire type the openai decoder knows (so the fuzzed "known types" are the real ones)', () => {
    const sampled = new Set(typesOf(OPENAI_SAMPLES));
    expect([...OPENAI_DECODED_TYPES, ...OPENAI_IGNORED_TYPES].filter((t) => !sampled.has(t))).toEqual([]);
  });
});
