import { ClientError, isObject, type Json, unsupportedType } from '../openai/wire.js';
import type { ServerDialect } from '../serverDialect.js';
import { CLI_AUDIO_RATE, instructionsOf, modelOf, StandInConnection, textParts, voiceOf } from './standIn.js';

const CLIENT_TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'conversation.item.create',
  'conversation.handoff.append',
];

/** Content part types per role of a `conversation.item.create` message. */
const PARTS_BY_ROLE: Record<string, readonly string[]> = {
  user: ['input_text'],
  developer: ['input_text'],
  assistant: ['output_text'],
};

/**
 * The Codex CLI's realtime v1 (`quicksilver`: `openai-alpha: quicksilver=v1`, `?intent=quicksilver`),
 * server side, as the same honest stand-in as the other dialects.
 *
 * - `session.update` (`session.type` `quicksilver`) -> the first time `session.created` then
 *   `session.updated`, later `session.updated`: `{ id, type, model?, instructions, audio }`.
 * - `input_audio_buffer.append` (PCM16 at the session's input rate, 24 kHz by default) feeds the
 *   energy VAD: `input_audio_buffer.speech_started`; at the utterance's end `speech_stopped`, the
 *   user's transcript (`conversation.input_transcript.delta`s, then `.turn_marked`), the user item
 *   (`conversation.item.added`), then the echo: `conversation.output_transcript.delta`,
 *   `conversation.output_audio.delta` frames paced at real time, `response.output_audio_transcript.done`.
 * - `conversation.item.create` (a `user`, `developer` or `assistant` message of text parts) ->
 *   `conversation.item.added`; a user's text is quoted back as an assistant turn (transcript only).
 * - `conversation.handoff.append` -> its `output_text` is said as an assistant turn (transcript only).
 * - Anything else, and bad fields, get an `error` (`{ type: 'error', error: { type, code, message } }`).
 */
export const codexCliV1ServerDialect: ServerDialect = {
  name: 'codex-cli-v1',
  connect: (host) => new CodexCliV1Connection(host),
};

class CodexCliV1Connection extends StandInConnection {
  protected readonly replyRate = this.host.outputRate;
  private readonly session: Json = {
    type: 'quicksilver',
    ...modelOf(this.host.stats.path),
    instructions: '',
    audio: {
      input: { format: { type: 'audio/pcm', rate: CLI_AUDIO_RATE } },
      output: { voice: 'cove' },
    },
  };

  protected handle(type: string, message: Json): void {
    switch (type) {
      case 'session.update':
        this.update(message.session);
        return this.acknowledgeSession();
      case 'input_audio_buffer.append':
        if (typeof message.audio !== 'string')
          throw new ClientError('missing_required_parameter', "Missing required parameter: 'audio'.");
        return this.hear(message.audio, this.inputFormat.rate as number);
      case 'conversation.item.create':
        return this.createItem(message.item);
      case 'conversation.handoff.append':
        if (typeof message.output_text !== 'string')
          throw new ClientError('missing_required_parameter', "Missing required parameter: 'output_text'.");
        return this.speak(message.output_text);
      default:
        throw unsupportedType(type, CLIENT_TYPES);
    }
  }

  /** Takes what the session message sets: instructions, input format, voice; other fields are ignored. */
  private update(update: unknown): void {
    if (!isObject(update))
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'session'.");
    if (update.type !== undefined && update.type !== 'quicksilver')
      throw new ClientError(
        'invalid_value',
        `Invalid 'session.type': ${JSON.stringify(update.type)}; a quicksilver connection runs 'quicksilver' sessions.`,
      );
    const instructions = instructionsOf(update);
    if (instructions !== undefined) this.session.instructions = instructions;
    const audio = update.audio;
    if (!isObject(audio)) return;
    const format = isObject(audio.input) ? audio.input.format : undefined;
    if (format !== undefined) this.inputFormat = formatAt(format);
    const voice = voiceOf(audio);
    if (voice !== undefined) this.audio.output.voice = voice;
  }

  private get audio(): { input: Json; output: Json } {
    return this.session.audio as { input: Json; output: Json };
  }

  private get inputFormat(): Json {
    return this.audio.input.format as Json;
  }

  private set inputFormat(format: Json) {
    this.audio.input.format = format;
  }

  private createItem(raw: unknown): void {
    if (!isObject(raw))
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'item'.");
    if (raw.type !== 'message')
      throw new ClientError(
        'invalid_value',
        `Invalid 'item.type': ${JSON.stringify(raw.type)}; the dev server takes 'message' items.`,
      );
    const role = raw.role;
    if (typeof role !== 'string' || PARTS_BY_ROLE[role] === undefined)
      throw new ClientError(
        'invalid_value',
        `Invalid 'item.role': ${JSON.stringify(role)}; expected 'user', 'developer' or 'assistant'.`,
      );
    const text = textParts(raw.content, 'item.content', PARTS_BY_ROLE[role]);
    const id = this.nextItemId();
    if (role !== 'assistant') this.host.stats.textsIn++;
    this.send({
      type: 'conversation.item.added',
      item: { id, type: 'message', role, content: structuredClone(raw.content) },
    });
    if (role === 'user') this.quote(text);
  }

  protected sessionAcknowledged(sessionId: string, first: boolean): void {
    const session = { id: sessionId, ...structuredClone(this.session) };
    if (first) this.send({ type: 'session.created', session });
    this.send({ type: 'session.updated', session });
  }

  protected speechStarted(itemId: string, startMs: number): void {
    this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: startMs, item_id: itemId });
  }

  protected userTurn(itemId: string, transcript: string, endMs: number): void {
    this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: endMs, item_id: itemId });
    for (const delta of this.deltas(transcript))
      this.send({ type: 'conversation.input_transcript.delta', item_id: itemId, delta });
    this.send({ type: 'conversation.input_transcript.turn_marked', item_id: itemId, transcript });
    this.send({
      type: 'conversation.item.added',
      item: { id: itemId, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript }] },
    });
  }

  protected turnStarted(itemId: string, transcript: string): void {
    for (const delta of this.deltas(transcript))
      this.send({ type: 'conversation.output_transcript.delta', item_id: itemId, delta });
  }

  protected turnAudio(itemId: string, audio: string, samples: number): void {
    this.send({
      type: 'conversation.output_audio.delta',
      item_id: itemId,
      delta: audio,
      sample_rate: this.replyRate,
      channels: 1,
      samples_per_channel: samples,
    });
  }

  protected turnDone(itemId: string, transcript: string): void {
    this.send({ type: 'response.output_audio_transcript.done', item_id: itemId, transcript });
  }

  protected sendError(code: string, message: string, type = 'invalid_request_error'): void {
    this.send({ type: 'error', error: { type, code, message } });
  }
}

/** `session.audio.input.format`: 16-bit PCM (`audio/pcm`) at a positive integer rate. */
function formatAt(value: unknown): Json {
  const path = 'session.audio.input.format';
  if (!isObject(value))
    throw new ClientError('invalid_type', `Invalid type for '${path}': expected an object.`);
  if (value.type !== undefined && value.type !== 'audio/pcm')
    throw new ClientError(
      'invalid_value',
      `Invalid '${path}.type': ${JSON.stringify(value.type)}; expected 'audio/pcm'.`,
    );
  const rate = value.rate ?? CLI_AUDIO_RATE;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 8000 || rate > 48_000)
    throw new ClientError(
      'invalid_value',
      `Invalid '${path}.rate': ${JSON.stringify(rate)}; expected an integer from 8000 to 48000.`,
    );
  return { type: 'audio/pcm', rate };
}
