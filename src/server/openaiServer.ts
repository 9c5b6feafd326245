import { base64ToPcm16 } from '../audio/base64.js';
import { pcm16ToFloat } from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import { concat, type Heard } from './audioIntake.js';
import type { ConnectionHost, DialectConnection, Playback, ServerDialect } from './serverDialect.js';
import type { VadOptions } from './vad.js';

/**
 * The OpenAI Realtime GA protocol, server side, on any path (e.g. `/v1/realtime?model=gpt-realtime`;
 * auth headers are ignored). Still the honest stand-in: spoken replies echo the user's audio, text
 * replies quote the user's text; around them, the GA event sequence with consistent ids.
 *
 * - `session.update` (`session.type` `realtime`) → the first time `session.created` then
 *   `session.updated`, later `session.updated`: the effective session, what the client asked merged
 *   into the defaults. Beta-shaped or unknown fields are refused (`unknown_parameter`), as GA does.
 * - `input_audio_buffer.append` (PCM16 24 kHz mono) feeds the energy VAD when turn detection is on
 *   (`server_vad` / `semantic_vad`; `silence_duration_ms` sets the VAD's silence): speech start →
 *   `input_audio_buffer.speech_started` (and barge-in: the active response is cancelled with
 *   `turn_detected` unless `interrupt_response` is false); utterance end → `speech_stopped`,
 *   `committed`, the user item (`conversation.item.added` + `.done`), then a response unless
 *   `create_response` is false (queued behind an active one). With `turn_detection: null`,
 *   `input_audio_buffer.commit` (≥ 100 ms) and `.clear` drive the buffer.
 * - `response.create` answers the latest user input: its audio is echoed (if the response may speak),
 *   anything else gets a text reply quoting it; only one response at a time.
 * - `response.cancel`, `conversation.item.create` / `truncate` / `delete` / `retrieve` as the API.
 */
export const openaiServerDialect: ServerDialect = {
  name: 'openai',
  // Browsers offer ['realtime', 'openai-insecure-api-key.<key>']: answer 'realtime', never the key.
  subprotocol: 'realtime',
  connect: (host) => new OpenAIConnection(host),
};

/** GA input audio is PCM16 mono at 24 kHz; there is no per-frame rate. */
const INPUT_RATE = 24_000;
/** Pace of text deltas. */
const TEXT_DELTA_MS = 20;
const ECHO_TRANSCRIPT = '(echo)';

type Json = Record<string, unknown>;
type ResponseStatus = 'completed' | 'cancelled';

/** A client mistake: answered with an `error` event, and the session goes on. */
class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** One conversation item as the server keeps it. */
interface Item {
  id: string;
  /** What the events show (never audio data). */
  wire: Json;
  /** A user item's audio, at the output rate, for echoing. */
  audio?: Float32Array;
  /** An assistant audio item's length in ms: what was sent, or what it was truncated to. */
  audioMs?: number;
}

interface ActiveResponse {
  id: string;
  kind: 'audio' | 'text';
  item: Item;
  /** The transcript (audio) or the whole text (text). */
  text: string;
  /** Text sent so far (text replies). */
  sent: string;
  metadata: unknown;
  playback?: Playback;
  cancelTimer?: () => void;
}

const SESSION_KEYS = [
  'type',
  'model',
  'instructions',
  'output_modalities',
  'tools',
  'tool_choice',
  'max_output_tokens',
  'tracing',
  'truncation',
  'prompt',
  'include',
  'audio',
];
const SERVER_VAD_KEYS = [
  'type',
  'threshold',
  'prefix_padding_ms',
  'silence_duration_ms',
  'idle_timeout_ms',
  'create_response',
  'interrupt_response',
];
const SEMANTIC_VAD_KEYS = ['type', 'eagerness', 'create_response', 'interrupt_response'];
const CLIENT_TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
];

class OpenAIConnection implements DialectConnection {
  private events = 0;
  private itemCount = 0;
  private responseCount = 0;
  private session: Json;
  private started = false;
  private vadKey = '';
  /** The conversation, in order. */
  private readonly items: Item[] = [];
  private active: ActiveResponse | undefined;
  /** Responses the VAD asked for while another one was active. */
  private readonly queued: Array<() => void> = [];
  /** The user item that the speech in progress will become. */
  private speechItemId: string | undefined;

  constructor(private readonly host: ConnectionHost) {
    this.session = defaultSession(modelOf(host.stats.path), host.vad, host.outputRate);
    this.applyTurnDetection();
  }

  receive(data: string): void {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return this.clientError(
        new ClientError('invalid_json', 'The server failed to parse the message: it is not valid JSON.'),
      );
    }
    if (!isObject(message))
      return this.clientError(new ClientError('invalid_json', 'The message is not a JSON object.'));
    try {
      this.handle(message);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      this.clientError(error, message.event_id);
    }
  }

  receiveBinary(): void {
    this.clientError(
      new ClientError(
        'invalid_json',
        'The server failed to parse the message: binary frames are not part of the protocol.',
      ),
    );
  }

  injectError(message: string): void {
    this.send({ type: 'error', error: { type: 'server_error', code: 'injected', message } });
  }

  private handle(message: Json): void {
    const type = message.type;
    if (typeof type !== 'string')
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'type'.", 'type');
    switch (type) {
      case 'session.update':
        return this.updateSession(message.session);
      case 'input_audio_buffer.append':
        return this.append(message.audio);
      case 'input_audio_buffer.commit':
        return this.commitBuffer();
      case 'input_audio_buffer.clear':
        this.host.audio.clear();
        this.speechItemId = undefined;
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'conversation.item.create':
        return this.createItem(message.item, message.previous_item_id);
      case 'conversation.item.truncate':
        return this.truncate(message.item_id, message.content_index, message.audio_end_ms);
      case 'conversation.item.delete': {
        const item = this.itemOf(message.item_id, 'Error deleting item');
        this.items.splice(this.items.indexOf(item), 1);
        return this.send({ type: 'conversation.item.deleted', item_id: item.id });
      }
      case 'conversation.item.retrieve': {
        const item = this.itemOf(message.item_id, 'Error retrieving item');
        return this.send({ type: 'conversation.item.retrieved', item: item.wire });
      }
      case 'response.create':
        return this.createResponse(message.response);
      case 'response.cancel': {
        const active = this.active;
        if (
          active === undefined ||
          (typeof message.response_id === 'string' && message.response_id !== active.id)
        ) {
          throw new ClientError(
            'response_cancel_not_active',
            'Cancellation failed: no active response found.',
          );
        }
        return this.finish(active, 'cancelled', 'client_cancelled');
      }
      default:
        throw new ClientError(
          'invalid_value',
          `Invalid value: '${type}'. Supported values are: ${CLIENT_TYPES.map((t) => `'${t}'`).join(', ')}.`,
          'type',
        );
    }
  }

  // --- session ---

  private updateSession(update: unknown): void {
    if (!isObject(update))
      throw new ClientError(
        'missing_required_parameter',
        "Missing required parameter: 'session'.",
        'session',
      );
    this.session = mergeSession(this.session, update, this.host.vad);
    this.applyTurnDetection();
    if (this.started) return this.send({ type: 'session.updated', session: this.sessionView() });
    this.started = true;
    this.host.startSession(() => {
      this.send({ type: 'session.created', session: this.sessionView() });
      this.send({ type: 'session.updated', session: this.sessionView() });
    });
  }

  private sessionView(): Json {
    return { id: this.host.stats.sessionId, ...this.session };
  }

  private get turnDetection(): Json | null {
    return ((this.session.audio as Json).input as Json).turn_detection as Json | null;
  }

  /** Points the VAD at the session's turn detection (only when it changed: a reset drops buffered speech). */
  private applyTurnDetection(): void {
    const detection = this.turnDetection;
    const vad: VadOptions | null =
      detection === null
        ? null
        : detection.type === 'server_vad'
          ? { ...this.host.vad, silenceMs: detection.silence_duration_ms as number }
          : { ...this.host.vad };
    const key = JSON.stringify(vad);
    if (key === this.vadKey) return;
    this.vadKey = key;
    this.host.audio.configure(vad);
    this.speechItemId = undefined;
  }

  // --- input audio ---

  private append(audio: unknown): void {
    if (typeof audio !== 'string')
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'audio'.", 'audio');
    let heard: Heard;
    try {
      heard = this.host.hearAudio(audio, INPUT_RATE, 1);
    } catch (error) {
      throw new ClientError('invalid_value', `Invalid 'audio': ${(error as Error).message}`, 'audio');
    }
    if (heard.event === 'speech-start') {
      this.speechItemId = this.nextItemId();
      this.send({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: Math.round(heard.startMs),
        item_id: this.speechItemId,
      });
      const active = this.active;
      if (active !== undefined && this.turnDetection?.interrupt_response !== false)
        this.finish(active, 'cancelled', 'turn_detected');
    } else if (heard.event === 'speech-end') {
      const itemId = this.speechItemId ?? this.nextItemId();
      this.speechItemId = undefined;
      this.send({
        type: 'input_audio_buffer.speech_stopped',
        audio_end_ms: Math.round(heard.endMs),
        item_id: itemId,
      });
      this.commitUserAudio(itemId, heard.speech);
      if (this.turnDetection?.create_response !== false) {
        if (this.active === undefined) this.respond({});
        else this.queued.push(() => this.respond({}));
      }
    }
  }

  private commitBuffer(): void {
    const ms = this.host.audio.bufferedMs;
    if (ms < 100) {
      throw new ClientError(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
      );
    }
    const itemId = this.speechItemId ?? this.nextItemId();
    this.speechItemId = undefined;
    this.commitUserAudio(itemId, this.host.audio.take());
  }

  private commitUserAudio(itemId: string, audio: Float32Array): void {
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: this.lastItemId(), item_id: itemId });
    const wire = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.addItem({ id: itemId, wire, audio });
  }

  // --- conversation items ---

  private createItem(raw: unknown, previous: unknown): void {
    if (!isObject(raw))
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'item'.", 'item');
    if (
      previous !== undefined &&
      previous !== null &&
      previous !== 'root' &&
      (typeof previous !== 'string' || this.find(previous) === undefined)
    ) {
      throw new ClientError(
        'invalid_value',
        `Invalid 'previous_item_id': no item with id ${JSON.stringify(previous)}.`,
        'previous_item_id',
      );
    }
    let id: string;
    if (raw.id === undefined) id = this.nextItemId();
    else if (typeof raw.id !== 'string' || raw.id === '')
      throw new ClientError('invalid_value', "Invalid 'item.id': expected a non-empty string.", 'item.id');
    else if (this.find(raw.id) !== undefined)
      throw new ClientError(
        'invalid_value',
        `Invalid 'item.id': an item with id '${raw.id}' already exists.`,
        'item.id',
      );
    else id = raw.id;
    const item = this.readItem(id, raw);
    if (item.wire.type === 'message' && item.wire.role !== 'assistant') this.host.stats.textsIn++;
    const at =
      previous === undefined || previous === null
        ? undefined
        : previous === 'root'
          ? 0
          : this.items.indexOf(this.find(previous)!) + 1;
    this.addItem(item, at);
  }

  private readItem(id: string, raw: Json): Item {
    const base = { id, object: 'realtime.item', type: raw.type, status: 'completed' };
    switch (raw.type) {
      case 'message': {
        const role = raw.role;
        if (role !== 'user' && role !== 'system' && role !== 'assistant') {
          throw new ClientError(
            'invalid_value',
            `Invalid 'item.role': ${JSON.stringify(role)}; expected 'user', 'system' or 'assistant'.`,
            'item.role',
          );
        }
        if (!Array.isArray(raw.content))
          throw new ClientError(
            'missing_required_parameter',
            "Missing required parameter: 'item.content'.",
            'item.content',
          );
        const audio: Float32Array[] = [];
        const content = raw.content.map((part: unknown, i) => {
          if (!isObject(part) || typeof part.type !== 'string')
            throw new ClientError(
              'invalid_value',
              `Invalid 'item.content[${i}]': expected a content part.`,
              `item.content[${i}]`,
            );
          if (part.type === 'input_audio') {
            if (typeof part.audio === 'string') audio.push(this.decodeItemAudio(part.audio, i));
            return {
              type: 'input_audio',
              transcript: typeof part.transcript === 'string' ? part.transcript : null,
            };
          }
          if (
            (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') &&
            typeof part.text !== 'string'
          ) {
            throw new ClientError(
              'missing_required_parameter',
              `Missing required parameter: 'item.content[${i}].text'.`,
              `item.content[${i}].text`,
            );
          }
          return part;
        });
        return {
          id,
          wire: { ...base, role, content },
          ...(audio.length > 0 ? { audio: concat(audio) } : {}),
        };
      }
      case 'function_call_output':
        if (typeof raw.call_id !== 'string')
          throw new ClientError(
            'missing_required_parameter',
            "Missing required parameter: 'item.call_id'.",
            'item.call_id',
          );
        if (typeof raw.output !== 'string')
          throw new ClientError(
            'missing_required_parameter',
            "Missing required parameter: 'item.output'.",
            'item.output',
          );
        return { id, wire: { ...base, call_id: raw.call_id, output: raw.output } };
      case 'function_call':
        if (typeof raw.name !== 'string')
          throw new ClientError(
            'missing_required_parameter',
            "Missing required parameter: 'item.name'.",
            'item.name',
          );
        return {
          id,
          wire: {
            ...base,
            call_id: typeof raw.call_id === 'string' ? raw.call_id : `call_dev_${id}`,
            name: raw.name,
            arguments: typeof raw.arguments === 'string' ? raw.arguments : '',
          },
        };
      default:
        throw new ClientError(
          'invalid_value',
          `Invalid 'item.type': ${JSON.stringify(raw.type)}; the dev server takes 'message', 'function_call' and 'function_call_output'.`,
          'item.type',
        );
    }
  }

  private decodeItemAudio(base64: string, index: number): Float32Array {
    let samples: Float32Array;
    try {
      samples = pcm16ToFloat(base64ToPcm16(base64));
    } catch (error) {
      throw new ClientError(
        'invalid_value',
        `Invalid 'item.content[${index}].audio': ${(error as Error).message}`,
        `item.content[${index}].audio`,
      );
    }
    if (this.host.outputRate === INPUT_RATE) return samples;
    const resampler = new Resampler(INPUT_RATE, this.host.outputRate, 1);
    return concat([resampler.process(samples), resampler.flush()]);
  }

  private truncate(itemId: unknown, contentIndex: unknown, audioEndMs: unknown): void {
    if (typeof itemId !== 'string')
      throw new ClientError(
        'missing_required_parameter',
        "Missing required parameter: 'item_id'.",
        'item_id',
      );
    if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs) || audioEndMs < 0) {
      throw new ClientError(
        'invalid_value',
        `Invalid 'audio_end_ms': expected an integer >= 0, got ${JSON.stringify(audioEndMs)}.`,
        'audio_end_ms',
      );
    }
    const item = this.find(itemId);
    if (item === undefined)
      throw new ClientError(
        'invalid_value',
        `Error truncating item: the item with id '${itemId}' does not exist.`,
        'item_id',
      );
    if (item.audioMs === undefined)
      throw new ClientError('invalid_value', 'Only model output audio messages can be truncated.', 'item_id');
    if (contentIndex !== 0)
      throw new ClientError(
        'invalid_value',
        `Invalid 'content_index': item '${itemId}' has its audio at content index 0.`,
        'content_index',
      );
    if (audioEndMs > item.audioMs) {
      throw new ClientError(
        'invalid_value',
        `Audio content of ${Math.round(item.audioMs)}ms is already shorter than ${audioEndMs}ms.`,
        'audio_end_ms',
      );
    }
    item.audioMs = audioEndMs;
    // Truncating drops the server-side transcript.
    for (const part of item.wire.content as Json[]) if (part.type === 'output_audio') part.transcript = '';
    this.send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: audioEndMs,
    });
  }

  // --- responses ---

  private createResponse(request: unknown): void {
    if (request !== undefined && !isObject(request))
      throw new ClientError('invalid_value', "Invalid 'response': expected an object.", 'response');
    const active = this.active;
    if (active !== undefined) {
      throw new ClientError(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${active.id}. Wait until the response is finished before creating a new one.`,
      );
    }
    this.respond(request ?? {});
  }

  /** Answers the latest user input: its audio is echoed when the response may speak, anything else is quoted. */
  private respond(request: Json): void {
    const modalities = Array.isArray(request.output_modalities)
      ? request.output_modalities
      : (this.session.output_modalities as unknown[]);
    const instructions =
      typeof request.instructions === 'string' && request.instructions !== ''
        ? ` (instructions: ${request.instructions})`
        : '';
    const input = [...this.items]
      .reverse()
      .find(
        (item) =>
          item.wire.type === 'function_call_output' ||
          (item.wire.type === 'message' && item.wire.role === 'user'),
      );
    if (input?.audio !== undefined && input.audio.length > 0 && modalities.includes('audio')) {
      return this.speak(input.audio, ECHO_TRANSCRIPT + instructions, request.metadata);
    }
    this.write(quote(input, this.host.outputRate) + instructions, request.metadata);
  }

  private begin(kind: 'audio' | 'text', text: string, metadata: unknown): ActiveResponse {
    const id = `resp_dev_${++this.responseCount}`;
    const itemId = this.nextItemId();
    const wire: Json = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const active: ActiveResponse = {
      id,
      kind,
      item: { id: itemId, wire, ...(kind === 'audio' ? { audioMs: 0 } : {}) },
      text,
      sent: '',
      metadata: metadata ?? null,
    };
    this.active = active;
    this.send({ type: 'response.created', response: this.responseView(active, 'in_progress', null, []) });
    this.send({ type: 'response.output_item.added', response_id: id, output_index: 0, item: wire });
    this.addItem(active.item, undefined, false);
    this.send({
      type: 'response.content_part.added',
      ...this.partIds(active),
      part: kind === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
    return active;
  }

  private speak(speech: Float32Array, transcript: string, metadata: unknown): void {
    const active = this.begin('audio', transcript, metadata);
    const ids = this.partIds(active);
    this.send({ type: 'response.output_audio_transcript.delta', ...ids, delta: transcript });
    active.playback = this.host.play(speech, (delta, samples) => {
      active.item.audioMs! += (samples / this.host.outputRate) * 1000;
      this.send({ type: 'response.output_audio.delta', ...ids, delta });
    });
    void active.playback.finished.then((how) => {
      if (how === 'completed') this.finish(active, 'completed');
    });
  }

  private write(text: string, metadata: unknown): void {
    const active = this.begin('text', text, metadata);
    const pieces = split(text);
    let next = 0;
    const step = () => {
      const delta = pieces[next++];
      active.sent += delta;
      this.send({ type: 'response.output_text.delta', ...this.partIds(active), delta });
      if (next < pieces.length) active.cancelTimer = this.host.after(TEXT_DELTA_MS, step);
      else this.finish(active, 'completed');
    };
    step();
  }

  /** Ends `active` (if it still is): the closing events, then `response.done`; then a queued response, if any. */
  private finish(
    active: ActiveResponse,
    status: ResponseStatus,
    reason?: 'client_cancelled' | 'turn_detected',
  ): void {
    if (this.active !== active) return;
    this.active = undefined;
    active.playback?.cancel();
    active.cancelTimer?.();
    const ids = this.partIds(active);
    let part: Json;
    if (active.kind === 'audio') {
      this.send({ type: 'response.output_audio.done', ...ids });
      this.send({ type: 'response.output_audio_transcript.done', ...ids, transcript: active.text });
      part = { type: 'audio', transcript: active.text };
    } else {
      this.send({ type: 'response.output_text.done', ...ids, text: active.sent });
      part = { type: 'text', text: active.sent };
    }
    this.send({ type: 'response.content_part.done', ...ids, part });
    const wire = active.item.wire;
    wire.status = status === 'completed' ? 'completed' : 'incomplete';
    wire.content = [
      active.kind === 'audio'
        ? { type: 'output_audio', transcript: active.text }
        : { type: 'output_text', text: active.sent },
    ];
    this.send({ type: 'response.output_item.done', response_id: active.id, output_index: 0, item: wire });
    if (this.items.includes(active.item))
      this.send({
        type: 'conversation.item.done',
        previous_item_id: this.previousOf(active.item),
        item: wire,
      });
    const details = reason === undefined ? null : { type: 'cancelled', reason };
    this.send({ type: 'response.done', response: this.responseView(active, status, details, [wire]) });
    this.queued.shift()?.();
  }

  private responseView(active: ActiveResponse, status: string, details: Json | null, output: Json[]): Json {
    const audio = this.session.audio as { output: Json };
    return {
      id: active.id,
      object: 'realtime.response',
      status,
      status_details: details,
      output,
      conversation_id: `conv_dev_${this.host.stats.id}`,
      output_modalities: [active.kind],
      max_output_tokens: this.session.max_output_tokens,
      audio: { output: { format: audio.output.format, voice: audio.output.voice } },
      // Not a model: no tokens.
      usage:
        status === 'in_progress'
          ? null
          : {
              total_tokens: 0,
              input_tokens: 0,
              output_tokens: 0,
              input_token_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0, cached_tokens: 0 },
              output_token_details: { text_tokens: 0, audio_tokens: 0 },
            },
      metadata: active.metadata,
    };
  }

  private partIds(active: ActiveResponse): Json {
    return { response_id: active.id, item_id: active.item.id, output_index: 0, content_index: 0 };
  }

  // --- bookkeeping ---

  /** Adds an item (at `at`, default the end) and announces it: `conversation.item.added`, and `.done` when `done`. */
  private addItem(item: Item, at = this.items.length, done = true): void {
    this.items.splice(at, 0, item);
    const previous = this.previousOf(item);
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: item.wire });
    if (done) this.send({ type: 'conversation.item.done', previous_item_id: previous, item: item.wire });
  }

  private find(id: string): Item | undefined {
    return this.items.find((item) => item.id === id);
  }

  private itemOf(id: unknown, what: string): Item {
    if (typeof id !== 'string')
      throw new ClientError(
        'missing_required_parameter',
        "Missing required parameter: 'item_id'.",
        'item_id',
      );
    const item = this.find(id);
    if (item === undefined)
      throw new ClientError('invalid_value', `${what}: the item with id '${id}' does not exist.`, 'item_id');
    return item;
  }

  private previousOf(item: Item): string | null {
    const index = this.items.indexOf(item);
    return index > 0 ? this.items[index - 1].id : null;
  }

  private lastItemId(): string | null {
    return this.items.at(-1)?.id ?? null;
  }

  private nextItemId(): string {
    let id: string;
    do id = `item_dev_${++this.itemCount}`;
    while (this.find(id) !== undefined);
    return id;
  }

  private clientError(error: ClientError, clientEventId?: unknown): void {
    this.send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: error.code,
        message: error.message,
        param: error.param ?? null,
        event_id: typeof clientEventId === 'string' ? clientEventId : null,
      },
    });
  }

  private send(event: Json): void {
    const { type, ...rest } = event;
    this.host.send(JSON.stringify({ type, event_id: `event_dev_${++this.events}`, ...rest }));
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function modelOf(path: string): string {
  try {
    return new URL(path, 'http://localhost').searchParams.get('model') ?? 'gpt-realtime';
  } catch {
    return 'gpt-realtime';
  }
}

/** What a text reply says about the latest input. */
function quote(input: Item | undefined, outputRate: number): string {
  if (input === undefined) return 'You have not said anything yet.';
  if (input.wire.type === 'function_call_output')
    return `The function call ${String(input.wire.call_id)} returned: "${String(input.wire.output)}"`;
  const parts = input.wire.content as Json[];
  const text = parts
    .map((part) =>
      typeof part.text === 'string' ? part.text : typeof part.transcript === 'string' ? part.transcript : '',
    )
    .join('');
  if (text === '' && input.audio !== undefined)
    return `You said something (${(input.audio.length / outputRate).toFixed(2)} s of audio).`;
  return `You said: "${text}"`;
}

/** A text in a couple of deltas, cut between words: their concatenation is the text. */
function split(text: string): string[] {
  const words = text.match(/\s*\S+/g) ?? [text];
  const tail = text.slice(words.join('').length);
  if (words.length < 2) return [text];
  const half = Math.ceil(words.length / 2);
  return [words.slice(0, half).join(''), words.slice(half).join('') + tail];
}

// --- the session object ---

function serverVad(vad: VadOptions): Json {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: vad.silenceMs ?? 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

function defaultSession(model: string, vad: VadOptions, outputRate: number): Json {
  return {
    type: 'realtime',
    object: 'realtime.session',
    model,
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    include: null,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: INPUT_RATE },
        transcription: null,
        noise_reduction: null,
        turn_detection: serverVad(vad),
      },
      output: { format: { type: 'audio/pcm', rate: outputRate }, voice: 'alloy', speed: 1 },
    },
  };
}

function refuseUnknown(object: Json, known: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key))
      throw new ClientError('unknown_parameter', `Unknown parameter: '${path}.${key}'.`, `${path}.${key}`);
  }
}

function objectAt(value: unknown, path: string): Json {
  if (!isObject(value))
    throw new ClientError('invalid_type', `Invalid type for '${path}': expected an object.`, path);
  return value;
}

/** `update` merged into `current` (GA semantics: present fields replace, `audio.input`/`audio.output` merge per field); throws {@link ClientError}. */
function mergeSession(current: Json, update: Json, vad: VadOptions): Json {
  refuseUnknown(update, SESSION_KEYS, 'session');
  if (update.type === undefined)
    throw new ClientError(
      'missing_required_parameter',
      "Missing required parameter: 'session.type'.",
      'session.type',
    );
  if (update.type !== 'realtime') {
    throw new ClientError(
      'invalid_value',
      `Invalid 'session.type': ${JSON.stringify(update.type)}; the dev server only runs 'realtime' sessions.`,
      'session.type',
    );
  }
  const next: Json = structuredClone(current);
  for (const key of ['model', 'instructions'] as const) {
    if (update[key] === undefined) continue;
    if (typeof update[key] !== 'string')
      throw new ClientError(
        'invalid_type',
        `Invalid type for 'session.${key}': expected a string.`,
        `session.${key}`,
      );
    next[key] = update[key];
  }
  if (update.output_modalities !== undefined) {
    const modalities = update.output_modalities;
    if (
      !Array.isArray(modalities) ||
      modalities.length !== 1 ||
      (modalities[0] !== 'audio' && modalities[0] !== 'text')
    ) {
      throw new ClientError(
        'invalid_value',
        "Invalid 'session.output_modalities': expected ['audio'] or ['text'].",
        'session.output_modalities',
      );
    }
    next.output_modalities = [modalities[0] as 'audio' | 'text'];
  }
  for (const key of [
    'tools',
    'tool_choice',
    'max_output_tokens',
    'tracing',
    'truncation',
    'prompt',
    'include',
  ] as const) {
    if (update[key] !== undefined) next[key] = structuredClone(update[key]);
  }
  if (update.audio === undefined) return next;
  const audio = objectAt(update.audio, 'session.audio');
  refuseUnknown(audio, ['input', 'output'], 'session.audio');
  const nextAudio = next.audio as { input: Json; output: Json };
  if (audio.input !== undefined) {
    const input = objectAt(audio.input, 'session.audio.input');
    refuseUnknown(
      input,
      ['format', 'transcription', 'noise_reduction', 'turn_detection'],
      'session.audio.input',
    );
    if (input.format !== undefined)
      nextAudio.input.format = pcmFormat(input.format, 'session.audio.input.format', INPUT_RATE);
    if (input.transcription !== undefined)
      nextAudio.input.transcription = structuredClone(input.transcription);
    if (input.noise_reduction !== undefined)
      nextAudio.input.noise_reduction = structuredClone(input.noise_reduction);
    if (input.turn_detection !== undefined)
      nextAudio.input.turn_detection = turnDetection(input.turn_detection, vad);
  }
  if (audio.output !== undefined) {
    const output = objectAt(audio.output, 'session.audio.output');
    refuseUnknown(output, ['format', 'voice', 'speed'], 'session.audio.output');
    const rate = (nextAudio.output.format as Json).rate as number;
    if (output.format !== undefined)
      nextAudio.output.format = pcmFormat(output.format, 'session.audio.output.format', rate);
    if (output.voice !== undefined) {
      if (typeof output.voice !== 'string')
        throw new ClientError(
          'invalid_type',
          "Invalid type for 'session.audio.output.voice': expected a string.",
          'session.audio.output.voice',
        );
      nextAudio.output.voice = output.voice;
    }
    if (output.speed !== undefined) {
      if (typeof output.speed !== 'number')
        throw new ClientError(
          'invalid_type',
          "Invalid type for 'session.audio.output.speed': expected a number.",
          'session.audio.output.speed',
        );
      nextAudio.output.speed = output.speed;
    }
  }
  return next;
}

/** The dev server reads and writes PCM16 at one rate per direction (24 kHz in, the server's output rate out). */
function pcmFormat(value: unknown, path: string, rate: number): Json {
  const format = objectAt(value, path);
  if (format.type !== 'audio/pcm')
    throw new ClientError(
      'invalid_value',
      `Invalid '${path}.type': ${JSON.stringify(format.type)}; the dev server speaks only 'audio/pcm'.`,
      `${path}.type`,
    );
  if (format.rate !== undefined && format.rate !== rate)
    throw new ClientError(
      'invalid_value',
      `Invalid '${path}.rate': ${JSON.stringify(format.rate)}; expected ${rate}.`,
      `${path}.rate`,
    );
  return { type: 'audio/pcm', rate };
}

function turnDetection(value: unknown, vad: VadOptions): Json | null {
  if (value === null) return null;
  const asked = objectAt(value, 'session.audio.input.turn_detection');
  const path = 'session.audio.input.turn_detection';
  if (asked.type === 'server_vad' || asked.type === undefined) {
    refuseUnknown(asked, SERVER_VAD_KEYS, path);
    const silence = asked.silence_duration_ms;
    if (silence !== undefined && (typeof silence !== 'number' || !Number.isFinite(silence) || silence <= 0)) {
      throw new ClientError(
        'invalid_value',
        `Invalid '${path}.silence_duration_ms': expected a number > 0.`,
        `${path}.silence_duration_ms`,
      );
    }
    return { ...serverVad(vad), ...structuredClone(asked), type: 'server_vad' };
  }
  if (asked.type === 'semantic_vad') {
    refuseUnknown(asked, SEMANTIC_VAD_KEYS, path);
    return {
      type: 'semantic_vad',
      eagerness: 'auto',
      create_response: true,
      interrupt_response: true,
      ...structuredClone(asked),
    };
  }
  throw new ClientError(
    'invalid_value',
    `Invalid '${path}.type': ${JSON.stringify(asked.type)}; expected 'server_vad' or 'semantic_vad'.`,
    `${path}.type`,
  );
}
