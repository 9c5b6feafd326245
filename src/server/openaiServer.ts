import { pcm16ToFloat } from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import { concat, type Heard } from './audioIntake.js';
import { audioCodec, type AudioCodec } from './openai/audioFormat.js';
import { isInput, readItem, type Item } from './openai/items.js';
import { fitBudget, replyTo } from './openai/replies.js';
import { DEFAULT_RESPONSE, readResponseParams, type ResponseParams } from './openai/responseParams.js';
import { ResponseRun, type ResponseHost } from './openai/responses.js';
import { defaultSession, mergeSession } from './openai/session.js';
import { transcribe } from './openai/transcription.js';
import { inputTokens, RateLimits } from './openai/usage.js';
import {
  ClientError,
  clientMessage,
  invalidValue,
  isObject,
  missing,
  type Json,
  unsupportedType,
} from './openai/wire.js';
import type { ConnectionHost, DialectConnection, ServerDialect } from './serverDialect.js';
import type { VadOptions } from './vad.js';

/**
 * The OpenAI Realtime GA protocol, server side, on any path (e.g. `/v1/realtime?model=gpt-realtime`;
 * auth headers are ignored). Still the honest stand-in: spoken replies echo the user's audio, text
 * replies quote the user's text; around them, the GA event sequence with consistent ids, every event
 * valid against the GA schema (optional fields that may not be `null` are left out instead).
 *
 * - `session.update` (`session.type` `realtime`) -> the first time `session.created` then
 *   `session.updated`, later `session.updated`: the effective session, what the client asked (checked
 *   field by field) merged into the defaults. Beta-shaped or unknown fields are refused
 *   (`unknown_parameter`), as GA does.
 * - `input_audio_buffer.append` (PCM16 24 kHz mono) feeds the energy VAD when turn detection is on
 *   (`server_vad` / `semantic_vad`; `silence_duration_ms` sets the VAD's silence): speech start ->
 *   `input_audio_buffer.speech_started` (and barge-in: the conversation's response is cancelled with
 *   `turn_detected` unless `interrupt_response` is false); utterance end -> `speech_stopped`,
 *   `committed`, the user item (`conversation.item.added` + `.done`), its transcription when the
 *   session asks for one, then a response unless `create_response` is false (queued behind an active
 *   one). With `turn_detection: null`, `input_audio_buffer.commit` (>= 100 ms) and `.clear` drive the buffer.
 * - `response.create` answers the latest input of its context (the conversation, or its own `input`):
 *   audio is echoed (if the response may speak), anything else gets a text reply quoting it; a user
 *   text `call <tool> <JSON>` or `fail <message>` scripts a function call or a failed response. One
 *   conversation response at a time; out-of-band ones (`conversation: 'none'`) run alongside.
 *   `response.done` carries usage by a token rule (openai/usage.ts) and ends `incomplete` when the
 *   reply had to be cut to `max_output_tokens`; `rate_limits.updated` follows each `response.created`.
 * - `response.cancel`, `output_audio_buffer.clear`, `conversation.item.create` / `truncate` /
 *   `delete` / `retrieve` as the API.
 */
export const openaiServerDialect: ServerDialect = {
  name: 'openai',
  // Browsers offer ['realtime', 'openai-insecure-api-key.<key>']: answer 'realtime', never the key.
  subprotocol: 'realtime',
  connect: (host) => new OpenAIConnection(host),
};

const CLIENT_TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'output_audio_buffer.clear',
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
  /** The conversation's response, while one runs. */
  private current: ResponseRun | undefined;
  /** Out-of-band responses running. */
  private readonly outOfBand = new Set<ResponseRun>();
  /** Responses the VAD asked for while the conversation's was running. */
  private readonly queued: Array<() => void> = [];
  /** The user item that the speech in progress will become. */
  private speechItemId: string | undefined;
  private readonly rateLimits = new RateLimits();
  /** The session's audio codecs, per direction (kept with the session: one audio frame allocates none). */
  private inputCodec!: AudioCodec;
  private outputCodec!: AudioCodec;
  private readonly responseHost: ResponseHost;

  constructor(private readonly host: ConnectionHost) {
    this.session = defaultSession(modelOf(host.stats.path), host.vad, host.outputRate);
    this.applySession();
    this.responseHost = {
      host,
      rateLimits: this.rateLimits,
      send: (event) => this.send(event),
      addToConversation: (item) => this.addItem(item, undefined, false),
      itemDone: (item) => {
        if (this.items.includes(item))
          this.send({
            type: 'conversation.item.done',
            previous_item_id: this.previousOf(item),
            item: item.wire,
          });
      },
      nextItemId: () => this.nextItemId(),
      finished: (response) => {
        this.outOfBand.delete(response);
        if (response !== this.current) return;
        this.current = undefined;
        this.queued.shift()?.();
      },
    };
  }

  receive(data: string): void {
    let message: Json | undefined;
    try {
      message = clientMessage(data);
      this.handle(message);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      this.clientError(error, message?.event_id);
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
    if (typeof type !== 'string') throw missing('type');
    switch (type) {
      case 'session.update':
        if (!isObject(message.session)) throw missing('session');
        return this.updateSession(message.session);
      case 'input_audio_buffer.append':
        return this.append(message.audio);
      case 'input_audio_buffer.commit':
        return this.commitBuffer();
      case 'input_audio_buffer.clear':
        this.host.audio.clear();
        this.speechItemId = undefined;
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'output_audio_buffer.clear':
        return this.clearOutputAudio();
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
      case 'response.cancel':
        return this.cancelResponse(message.response_id);
      default:
        throw unsupportedType(type, CLIENT_TYPES, 'type');
    }
  }

  // --- session ---

  private updateSession(update: Json): void {
    this.session = mergeSession(this.session, update, this.host.vad);
    this.applySession();
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

  private get audioConfig(): { input: Json; output: Json } {
    return this.session.audio as { input: Json; output: Json };
  }

  private get turnDetection(): Json | null {
    return this.audioConfig.input.turn_detection as Json | null;
  }

  /**
   * Takes the session's audio formats, and points the VAD at its turn detection (only when that
   * changed: a reset drops buffered speech).
   */
  private applySession(): void {
    this.inputCodec = audioCodec(this.audioConfig.input.format as Json);
    this.outputCodec = audioCodec(this.audioConfig.output.format as Json);
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
    if (typeof audio !== 'string') throw missing('audio');
    const codec = this.inputCodec;
    let heard: Heard;
    try {
      heard = this.host.hearAudio(audio, codec.sampleRate, 1, codec.decode);
    } catch (error) {
      throw invalidValue('audio', (error as Error).message);
    }
    if (heard.event === 'speech-start') {
      this.speechItemId = this.nextItemId();
      this.send({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: Math.round(heard.startMs),
        item_id: this.speechItemId,
      });
      if (this.turnDetection?.interrupt_response !== false) this.current?.cancel('turn_detected');
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
        if (this.current === undefined) this.respond(DEFAULT_RESPONSE);
        else this.queued.push(() => this.respond(DEFAULT_RESPONSE));
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

  /** `committed`, the user item, and its transcription when the session asks for one. */
  private commitUserAudio(itemId: string, audio: Float32Array): void {
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: this.lastItemId(), item_id: itemId });
    const wire = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    };
    const item: Item = { id: itemId, wire, audio };
    this.addItem(item);
    const transcription = this.audioConfig.input.transcription as Json | undefined;
    if (transcription !== undefined)
      for (const event of transcribe(item, transcription, this.host.outputRate)) this.send(event);
  }

  /** The input codec's audio, as samples at the output rate (what an echo plays). */
  private decodeItemAudio(base64: string, path: string): Float32Array {
    const codec = this.inputCodec;
    let samples: Float32Array;
    try {
      samples = pcm16ToFloat(codec.decode(base64));
    } catch (error) {
      throw invalidValue(path, (error as Error).message);
    }
    if (this.host.outputRate === codec.sampleRate) return samples;
    const resampler = new Resampler(codec.sampleRate, this.host.outputRate, 1);
    return concat([resampler.process(samples), resampler.flush()]);
  }

  // --- conversation items ---

  private createItem(raw: unknown, previous: unknown): void {
    if (!isObject(raw)) throw missing('item');
    if (
      previous !== undefined &&
      previous !== null &&
      previous !== 'root' &&
      (typeof previous !== 'string' || this.find(previous) === undefined)
    ) {
      throw invalidValue('previous_item_id', `no item with id ${JSON.stringify(previous)}`);
    }
    let id: string;
    if (raw.id === undefined) id = this.nextItemId();
    else if (typeof raw.id !== 'string' || raw.id === '')
      throw invalidValue('item.id', 'expected a non-empty string');
    else if (this.find(raw.id) !== undefined)
      throw invalidValue('item.id', `an item with id '${raw.id}' already exists`);
    else id = raw.id;
    const item = readItem(id, raw, 'item', (base64, path) => this.decodeItemAudio(base64, path));
    if (item.wire.type === 'message' && item.wire.role !== 'assistant') this.host.stats.textsIn++;
    const at =
      previous === undefined || previous === null
        ? undefined
        : previous === 'root'
          ? 0
          : this.items.indexOf(this.find(previous)!) + 1;
    this.addItem(item, at);
  }

  private truncate(itemId: unknown, contentIndex: unknown, audioEndMs: unknown): void {
    if (typeof itemId !== 'string') throw missing('item_id');
    if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs) || audioEndMs < 0)
      throw invalidValue('audio_end_ms', `expected an integer >= 0, got ${JSON.stringify(audioEndMs)}`);
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
      throw invalidValue('content_index', `item '${itemId}' has its audio at content index 0`);
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
      throw new ClientError('invalid_type', "Invalid type for 'response': expected an object.", 'response');
    const params =
      request === undefined
        ? DEFAULT_RESPONSE
        : readResponseParams(request, {
            find: (id) => this.find(id),
            decodeAudio: (base64, path) => this.decodeItemAudio(base64, path),
            outputFormat: this.audioConfig.output.format as Json,
          });
    const current = this.current;
    if (params.inConversation && current !== undefined) {
      throw new ClientError(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${current.id}. Wait until the response is finished before creating a new one.`,
      );
    }
    this.respond(params);
  }

  /** Starts a response to the latest input of its context, as `params` and the session ask. */
  private respond(params: ResponseParams): void {
    const n = ++this.responseCount;
    const session = this.session;
    const context = params.input ?? this.items;
    const input = latestInput(context);
    const modalities = params.modalities ?? (session.output_modalities as ['audio' | 'text']);
    const maxOutputTokens = params.maxOutputTokens ?? (session.max_output_tokens as number | 'inf');
    const outputRate = this.host.outputRate;
    const { reply, cut } = fitBudget(
      replyTo({
        input,
        modalities,
        instructions: params.instructions ?? '',
        tools: params.tools ?? (session.tools as Json[]),
        toolChoice: params.toolChoice ?? session.tool_choice,
        outputRate,
      }),
      maxOutputTokens,
      outputRate,
    );
    const output = this.audioConfig.output;
    const response = new ResponseRun(this.responseHost, {
      id: `resp_dev_${n}`,
      inConversation: params.inConversation,
      conversationId: `conv_dev_${this.host.stats.id}`,
      reply,
      cut,
      modalities,
      maxOutputTokens,
      metadata: params.metadata,
      output: { codec: this.outputCodec, voice: params.voice ?? (output.voice as string) },
      input: inputTokens(params.instructions ?? (session.instructions as string), context, outputRate),
      callId: `call_dev_${n}`,
    });
    if (params.inConversation) this.current = response;
    else this.outOfBand.add(response);
    response.start();
  }

  /** `response.cancel`: the conversation's response, or the one `response_id` names. */
  private cancelResponse(responseId: unknown): void {
    const response =
      typeof responseId === 'string'
        ? [this.current, ...this.outOfBand].find((r) => r?.id === responseId)
        : this.current;
    if (response === undefined)
      throw new ClientError('response_cancel_not_active', 'Cancellation failed: no active response found.');
    response.cancel('client_cancelled');
  }

  /**
   * `output_audio_buffer.clear`: every spoken reply still playing stops, and is cancelled. With none
   * playing, the buffer is already clear: `cleared` for the latest response (an error before any).
   */
  private clearOutputAudio(): void {
    const speaking = [this.current, ...this.outOfBand].filter((r) => r?.speaking === true);
    if (speaking.length > 0) {
      for (const response of speaking) response!.clearAudio();
      return;
    }
    if (this.responseCount === 0)
      throw new ClientError(
        'output_audio_buffer_empty',
        'Cannot clear the output audio buffer: no response has been created yet.',
      );
    this.send({ type: 'output_audio_buffer.cleared', response_id: `resp_dev_${this.responseCount}` });
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
    if (typeof id !== 'string') throw missing('item_id');
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

function latestInput(context: readonly Item[]): Item | undefined {
  for (let i = context.length - 1; i >= 0; i--) if (isInput(context[i])) return context[i];
  return undefined;
}

function modelOf(path: string): string {
  try {
    return new URL(path, 'http://localhost').searchParams.get('model') ?? 'gpt-realtime';
  } catch {
    return 'gpt-realtime';
  }
}
