import type { AudioEnvelope, Decoded, DialectSession, EncodedControl, SessionParams } from '../dialect.js';
import type { RealtimeControl } from '../control.js';
import type { RealtimeAudioFrame } from '../frame.js';
import { decodeOpenAIMessage, errorCode, parseFrame } from './decode.js';
import {
  AUDIO_ENVELOPE,
  RESPONSE_CANCEL,
  encodeAudio,
  encodeTextItem,
  functionCallOutput,
  itemDelete,
  itemTruncate,
  responseCreate,
} from './encode.js';
import { sessionUpdate } from './sessionUpdate.js';

/**
 * One socket of the `openai` dialect, with its response gating.
 *
 * The GA API allows one active response per conversation (a second `response.create` fails with
 * `conversation_already_has_active_response`). So a response request (after a text, a tool output,
 * or a `response.create` control):
 * - when no response is active, is sent at once, and a response counts as active from then on
 *   (optimistically: until the server's `response.done`);
 * - when one is active, is HELD. Held requests COALESCE into one: it carries the instructions of the
 *   latest request that had any (a request without instructions does not erase earlier ones, so an
 *   app's explicit instructions are not lost to a text typed meanwhile).
 *
 * Decoding moves the state: `response.created` (the server also starts responses by itself, with
 * server VAD) marks one active; `response.done` (any status) or beta `response.cancelled` marks none
 * active and releases the held request, which `takePending()` then returns once (and a response is
 * active again). One recoverable error also moves it: `conversation_already_has_active_response` means
 * the request just sent crossed a response the server started, so it is held again (released by that
 * response's `response.done`). (`response_cancel_not_active` moves nothing: by the time it arrives a
 * request sent after the cancel may well be active.) `response.cancel` is sent as is, and leaves a held
 * request held: it is released when the cancelled response is done.
 */
export class OpenAIDialectSession implements DialectSession {
  /** A response is active (or requested and not yet answered). */
  private active = false;
  /** A request is held until the active response is done. */
  private held = false;
  private heldInstructions: string | undefined;
  /** The instructions of the last `response.create` sent, to hold it again when it was refused. */
  private sentInstructions: string | undefined;
  private pending: string[] | undefined;

  constructor(private readonly params: SessionParams) {}

  sessionMessage(): string {
    return sessionUpdate(this.params);
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
      case 'response.create': {
        if (control.instructions !== undefined && typeof control.instructions !== 'string') {
          return { problem: 'response.create instructions must be a string' };
        }
        const frames: string[] = [];
        this.requestResponse(control.instructions, frames);
        return { frames };
      }
      case 'response.cancel':
        return { frames: [RESPONSE_CANCEL] };
      case 'tool.output': {
        if (typeof control.callId !== 'string' || control.callId === '')
          return { problem: 'tool.output callId must be a non-empty string' };
        if (typeof control.output !== 'string')
          return { problem: 'tool.output output must be a string (e.g. JSON text)' };
        const frames = [functionCallOutput(control.callId, control.output)];
        if (control.respond !== false) this.requestResponse(undefined, frames);
        return { frames };
      }
      case 'item.truncate': {
        if (typeof control.itemId !== 'string' || control.itemId === '')
          return { problem: 'item.truncate itemId must be a non-empty string' };
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
        if (typeof control.itemId !== 'string' || control.itemId === '')
          return { problem: 'item.delete itemId must be a non-empty string' };
        return { frames: [itemDelete(control.itemId)] };
      default:
        return {
          problem: `the openai dialect has no wire form for ${String((control as { type?: unknown }).type)}`,
        };
    }
  }

  decode(data: string): Decoded {
    const message = parseFrame(data);
    if (typeof message === 'string') return { type: 'invalid', detail: message };
    // The state moves on the type alone, before and regardless of the fields' validity: a
    // `response.done` with a malformed body still ends the response.
    switch (message.type) {
      case 'response.created':
        this.active = true;
        break;
      case 'response.done':
      case 'response.cancelled':
        this.active = false;
        this.release();
        break;
      case 'error': {
        const code = errorCode(message);
        if (code === 'conversation_already_has_active_response') {
          this.active = true;
          if (!this.held) {
            this.held = true;
            this.heldInstructions = this.sentInstructions;
          } else if (this.heldInstructions === undefined) {
            this.heldInstructions = this.sentInstructions;
          }
        }
        break;
      }
    }
    return decodeOpenAIMessage(message);
  }

  takePending(): string[] | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private requestResponse(instructions: string | undefined, frames: string[]): void {
    if (!this.active) {
      this.active = true;
      this.sentInstructions = instructions;
      frames.push(responseCreate(instructions));
    } else {
      this.held = true;
      if (instructions !== undefined) this.heldInstructions = instructions;
    }
  }

  private release(): void {
    if (!this.held) return;
    const instructions = this.heldInstructions;
    this.held = false;
    this.heldInstructions = undefined;
    this.active = true;
    this.sentInstructions = instructions;
    (this.pending ??= []).push(responseCreate(instructions));
  }
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
