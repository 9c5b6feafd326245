import { ClientError, isObject, type Json, unsupportedType } from '../openai/wire.js';
import type { ServerDialect } from '../serverDialect.js';
import { CLI_AUDIO_RATE, instructionsOf, modelOf, StandInConnection, textParts, voiceOf } from './standIn.js';

const CLIENT_TYPES = [
  'session.update',
  'input_audio.append',
  'session.context.append',
  'delegation.context.append',
  'session.close',
];
const CHANNELS = ['speakable', 'commentary'];

/**
 * A client cuts a text longer than 500 bytes into `session.context.append` frames of at most 500
 * bytes (at character boundaries), sent back to back. A frame that may have been cut (of
 * {@link CUT_MIN_BYTES} or more) waits this many ms for the rest of its text.
 */
const CONTEXT_JOIN_MS = 25;
/** The shortest frame a 500-byte cut can leave (a cut moves back at most 3 bytes, to a character boundary). */
const CUT_MIN_BYTES = 497;

/**
 * The Codex CLI's realtime v3 ("frameless": path `/v1/live`, `openai-alpha: quicksilver=v2`), server
 * side, as the same honest stand-in as the other dialects. The client waits for `session.started`
 * before it sends anything else.
 *
 * - `session.update` -> the first time `session.started`, later `session.updated`:
 *   `{ id, model?, instructions, audio: { output: { voice } }, delegation }`.
 * - `input_audio.append` (PCM16 24 kHz mono) feeds the energy VAD; at the utterance's end, the user's
 *   transcript (`input_transcript.added` per piece, then `turn.done` with role `user`), then the echo:
 *   `output_transcript.added`, `output_audio.delta` frames (24 kHz) paced at real time, `turn.done`
 *   with role `assistant`.
 * - `session.context.append` (text parts; the protocol has no roles): without a channel it is quoted
 *   back as an assistant turn (transcript only); `channel: 'speakable'` is said as one;
 *   `channel: 'commentary'` is context only. `delegation.context.append` is refused: the stand-in
 *   never delegates. `session.close` is taken (the client's close follows).
 * - Anything else, and bad fields, get an `error` (`{ type: 'error', error: { type, code, message } }`).
 */
export const codexCliV3ServerDialect: ServerDialect = {
  name: 'codex-cli-v3',
  connect: (host) => new CodexCliV3Connection(host),
};

class CodexCliV3Connection extends StandInConnection {
  // The protocol has no rate field: its audio is 24 kHz both ways.
  protected readonly replyRate = CLI_AUDIO_RATE;
  private readonly session: Json = {
    ...modelOf(this.host.stats.path),
    instructions: '',
    audio: { output: { voice: 'marin' } },
    delegation: { type: 'client' },
  };
  /** A context text whose frames may still be coming. */
  private pending: { channel: string | undefined; text: string; cancel: () => void } | undefined;

  protected handle(type: string, message: Json): void {
    if (type !== 'session.context.append') this.flushContext();
    switch (type) {
      case 'session.update':
        this.update(message.session);
        return this.acknowledgeSession();
      case 'input_audio.append':
        if (typeof message.audio !== 'string')
          throw new ClientError('missing_required_parameter', "Missing required parameter: 'audio'.");
        return this.hear(message.audio, CLI_AUDIO_RATE);
      case 'session.context.append':
        return this.appendContext(message);
      case 'delegation.context.append':
        throw new ClientError(
          'invalid_value',
          `Invalid 'delegation_item_id': ${JSON.stringify(message.delegation_item_id)}; the dev server has started no delegation.`,
        );
      case 'session.close':
        return;
      default:
        throw unsupportedType(type, CLIENT_TYPES);
    }
  }

  /** Takes what the session message sets: instructions, voice, delegation; other fields are ignored. */
  private update(update: unknown): void {
    if (!isObject(update))
      throw new ClientError('missing_required_parameter', "Missing required parameter: 'session'.");
    const instructions = instructionsOf(update);
    if (instructions !== undefined) this.session.instructions = instructions;
    const voice = voiceOf(update.audio);
    if (voice !== undefined) (this.session.audio as { output: Json }).output.voice = voice;
    if (update.delegation !== undefined) {
      if (!isObject(update.delegation) || typeof update.delegation.type !== 'string')
        throw new ClientError('invalid_type', "Invalid type for 'session.delegation': expected { type }.");
      this.session.delegation = { type: update.delegation.type };
    }
  }

  private appendContext(message: Json): void {
    const channel = message.channel;
    if (channel !== undefined && (typeof channel !== 'string' || !CHANNELS.includes(channel)))
      throw new ClientError(
        'invalid_value',
        `Invalid 'channel': ${JSON.stringify(channel)}; expected ${CHANNELS.map((c) => `'${c}'`).join(' or ')}.`,
      );
    const text = textParts(message.content, 'content', ['input_text']);
    if (this.pending !== undefined && this.pending.channel !== channel) this.flushContext();
    const pending = (this.pending ??= { channel, text: '', cancel: () => undefined });
    pending.text += text;
    pending.cancel();
    if (Buffer.byteLength(text) < CUT_MIN_BYTES) this.flushContext();
    else pending.cancel = this.host.after(CONTEXT_JOIN_MS, () => this.flushContext());
  }

  /** The context text whose frames have all come: counted, then quoted or said as its channel asks. */
  private flushContext(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    pending.cancel();
    this.host.stats.textsIn++;
    if (pending.channel === undefined) this.quote(pending.text);
    else if (pending.channel === 'speakable') this.speak(pending.text);
  }

  protected sessionAcknowledged(sessionId: string, first: boolean): void {
    this.send({
      type: first ? 'session.started' : 'session.updated',
      session: { id: sessionId, ...structuredClone(this.session) },
    });
  }

  // The protocol marks no speech start: the user's transcript is the trace of what was heard.
  protected speechStarted(): void {}

  protected userTurn(_itemId: string, transcript: string): void {
    for (const text of this.deltas(transcript)) this.send({ type: 'input_transcript.added', item: { text } });
    this.send({ type: 'turn.done', turn: { role: 'user', transcript } });
  }

  protected turnStarted(_itemId: string, transcript: string): void {
    for (const text of this.deltas(transcript))
      this.send({ type: 'output_transcript.added', item: { text } });
  }

  protected turnAudio(_itemId: string, audio: string): void {
    this.send({ type: 'output_audio.delta', audio });
  }

  protected turnDone(_itemId: string, transcript: string): void {
    this.send({ type: 'turn.done', turn: { role: 'assistant', transcript } });
  }

  protected sendError(code: string, message: string, type = 'invalid_request_error'): void {
    this.send({ type: 'error', error: { type, code, message } });
  }
}
