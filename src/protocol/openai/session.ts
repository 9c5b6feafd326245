import type {
  AudioEnvelope,
  Decoded,
  DialectSession,
  EncodedControl,
  SessionParams,
  ServerEventSink,
} from '../dialect.js';
import type { RealtimeControl } from '../control.js';
import type { RealtimeAudioFrame } from '../frame.js';
import type { FrameFormat } from './audio.js';
import { decodeServerMessage, errorCode, parseFrame, type DecodeContext } from './decode.js';
import {
  AUDIO_ENVELOPE,
  INPUT_CLEAR,
  INPUT_COMMIT,
  OUTPUT_CLEAR,
  RESPONSE_CANCEL,
  encodeAudio,
  encodeTextItem,
  functionCallOutput,
  itemCreate,
  itemDelete,
  itemRetrieve,
  itemTruncate,
  responseCreateWith,
} from './encode.js';
import { clientEventProblem, itemProblem, responseParamsProblem } from './limits.js';
import type { SessionConfig } from './sessionConfig.js';
import { sessionPatch } from './sessionUpdate.js';
import { validateSessionUpdate } from './validate.js';

/** The parameters of a `response.create` (the GA `response` object), as sent. */
type ResponseParams = Record<string, unknown> | undefined;

/**
 * One socket of the `openai` dialect, with its response gating.
 *
 * The GA API allows one active response per conversation (a second `response.create` fails with
 * `conversation_already_has_active_response`). So a response request (after a text, a tool output,
 * or a `response.create` control):
 * - when no response is active, is sent at once, and a response counts as active from then on
 *   (optimistically: until the server's `response.done`);
 * - when one is active, is HELD. Held requests COALESCE into one: it carries the parameters of the
 *   latest request that had any (a request without parameters does not erase earlier ones, so an
 *   app's explicit instructions are not lost to a text typed meanwhile).
 *
 * Out-of-band requests (`conversation: 'none'`) join no conversation: they are sent at once and never
 * held, and their responses (`response.created` with `conversation_id: null`) move nothing.
 *
 * Decoding moves the state: `response.created` (the server also starts responses by itself, with
 * server VAD) marks one active; `response.done` (any status) or `response.cancelled` marks none
 * active and releases the held request, which `takePending()` then returns once (and a response is
 * active again). One recoverable error also moves it: `conversation_already_has_active_response` means
 * the request just sent crossed a response the server started, so it is held again (released by that
 * response's `response.done`). (`response_cancel_not_active` moves nothing: by the time it arrives a
 * request sent after the cancel may well be active.) `response.cancel` is sent as is, and leaves a held
 * request held: it is released when the cancelled response is done.
 */
export class OpenAIDialectSession implements DialectSession, DecodeContext {
  /** A response is active (or requested and not yet answered). */
  private active = false;
  /** A request is held until the active response is done. */
  private held = false;
  private heldParams: ResponseParams;
  /** The parameters of the last `response.create` sent, to hold it again when it was refused. */
  private sentParams: ResponseParams;
  /** Out-of-band responses under way: their end releases nothing. */
  readonly outOfBand = new Set<string>();
  /** Output item id → the response that made it (for `tool.call.responseId`). */
  readonly responseOfItem = new Map<string, string>();
  private pending: string[] | undefined;

  constructor(
    private readonly params: SessionParams,
    private readonly config: SessionConfig,
  ) {}

  /** The session's output format, as it stands (what audio deltas are). */
  get output(): FrameFormat {
    return this.config.output;
  }

  sessionMessage(): string {
    return this.config.sessionMessage();
  }

  encodeAudio(frame: RealtimeAudioFrame): string {
    return encodeAudio(frame);
  }

  audioEnvelope(): AudioEnvelope {
    return AUDIO_ENVELOPE;
  }

  encodeText(text: string): string[] {
    const frames = [encodeTextItem(text)];
    if (this.params.respondToText !== false) this.requestResponse(undefined, frames);
    return frames;
  }

  encodeControl(control: RealtimeControl): EncodedControl {
    switch (control.type) {
      case 'response.create':
        return this.responseCreate(control);
      case 'response.cancel':
        return { frames: [RESPONSE_CANCEL] };
      case 'tool.output': {
        if (!isId(control.callId)) return { problem: 'tool.output callId must be a non-empty string' };
        if (typeof control.output !== 'string')
          return { problem: 'tool.output output must be a string (e.g. JSON text)' };
        const frames = [functionCallOutput(control.callId, control.output)];
        if (control.respond !== false) this.requestResponse(undefined, frames);
        return { frames };
      }
      case 'item.truncate': {
        if (!isId(control.itemId)) return { problem: 'item.truncate itemId must be a non-empty string' };
        const contentIndex = control.contentIndex ?? 0;
        if (!isCount(contentIndex))
          return {
            problem: `item.truncate contentIndex must be a non-negative integer, got ${String(contentIndex)}`,
          };
        if (!isCount(control.audioEndMs)) {
          return {
            problem: `item.truncate audioEndMs must be a non-negative integer (milliseconds of audio actually played), got ${String(control.audioEndMs)}`,
          };
        }
        return { frames: [itemTruncate(control.itemId, contentIndex, control.audioEndMs)] };
      }
      case 'item.delete':
        if (!isId(control.itemId)) return { problem: 'item.delete itemId must be a non-empty string' };
        return { frames: [itemDelete(control.itemId)] };
      case 'item.retrieve':
        if (!isId(control.itemId)) return { problem: 'item.retrieve itemId must be a non-empty string' };
        return { frames: [itemRetrieve(control.itemId)] };
      case 'item.create': {
        if (control.previousItemId !== undefined && !isId(control.previousItemId))
          return { problem: 'item.create previousItemId must be a non-empty string' };
        const problem = itemProblem(control.item);
        if (problem !== undefined) return { problem: `item.create ${problem}` };
        return { frames: [itemCreate(control.item, control.previousItemId)] };
      }
      case 'input.commit':
        return { frames: [INPUT_COMMIT] };
      case 'input.clear':
        return { frames: [INPUT_CLEAR] };
      case 'output.clear':
        return { frames: [OUTPUT_CLEAR] };
      case 'session.update': {
        try {
          validateSessionUpdate(control.session);
        } catch (error) {
          return { problem: (error as Error).message };
        }
        this.config.apply(control.session);
        return { frames: [sessionPatch(control.session)] };
      }
      case 'client.event': {
        const problem = clientEventProblem(control.event);
        if (problem !== undefined) return { problem };
        const event = control.event;
        if (event.type === 'session.update' && event.session.type === 'realtime') {
          const { input, output } = event.session.audio ?? {};
          this.config.setFormats(
            input?.format && { type: input.format.type ?? 'audio/pcm', rate: 24000 },
            output?.format && { type: output.format.type ?? 'audio/pcm', rate: 24000 },
          );
        }
        return { frames: [JSON.stringify(event)] };
      }
      default:
        return {
          problem: `the openai dialect has no wire form for ${String((control as { type?: unknown }).type)}`,
        };
    }
  }

  decode(data: string, sink?: ServerEventSink): Decoded {
    const message = parseFrame(data);
    if (typeof message === 'string') return { type: 'invalid', detail: message };
    // The state moves on the type alone, before and regardless of the fields' validity: a
    // `response.done` with a malformed body still ends the response.
    switch (message.type) {
      case 'response.created': {
        const response = message.response as { id?: unknown; conversation_id?: unknown } | undefined;
        if (response?.conversation_id === null && typeof response.id === 'string')
          this.outOfBand.add(response.id);
        else this.active = true;
        break;
      }
      case 'response.done':
      case 'response.cancelled': {
        const id = (message.response as { id?: unknown } | undefined)?.id ?? message.response_id;
        if (typeof id === 'string' && this.outOfBand.delete(id)) break;
        this.active = false;
        this.release();
        break;
      }
      case 'error': {
        const code = errorCode(message);
        if (code === 'conversation_already_has_active_response') {
          this.active = true;
          if (!this.held) {
            this.held = true;
            this.heldParams = this.sentParams;
          } else if (this.heldParams === undefined) {
            this.heldParams = this.sentParams;
          }
        }
        break;
      }
    }
    return decodeServerMessage(message, this, sink);
  }

  takePending(): string[] | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private responseCreate(control: RealtimeControl & { type: 'response.create' }): EncodedControl {
    if (control.instructions !== undefined && typeof control.instructions !== 'string')
      return { problem: 'response.create instructions must be a string' };
    let params: ResponseParams;
    if (control.response !== undefined) {
      const problem = responseParamsProblem(control.response);
      if (problem !== undefined) return { problem: `response.create ${problem}` };
      params = { ...(control.response as Record<string, unknown>) };
    }
    if (control.instructions !== undefined) params = { ...params, instructions: control.instructions };
    if (params?.conversation === 'none') return { frames: [responseCreateWith(params)] };
    const frames: string[] = [];
    this.requestResponse(params, frames);
    return { frames };
  }

  private requestResponse(params: ResponseParams, frames: string[]): void {
    if (!this.active) {
      this.active = true;
      this.sentParams = params;
      frames.push(responseCreateWith(params));
    } else {
      this.held = true;
      if (params !== undefined) this.heldParams = params;
    }
  }

  private release(): void {
    if (!this.held) return;
    const params = this.heldParams;
    this.held = false;
    this.heldParams = undefined;
    this.active = true;
    this.sentParams = params;
    (this.pending ??= []).push(responseCreateWith(params));
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
