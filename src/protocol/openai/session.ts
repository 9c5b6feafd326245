import type {
  AudioEnvelope,
  Decoded,
  DialectSession,
  EncodedControl,
  SessionParams,
  ServerEventSink,
} from '../dialect.js';
import type { RealtimeControl } from '../control.js';
import { isCount } from '../codecs.js';
import { parseFrame } from '../messageDecoder.js';
import { OPENAI_SAMPLE_RATE, type FrameFormat } from './audio.js';
import { decodeAudioDelta, scanAudioDelta } from './audioDelta.js';
import { decodeServerMessage, errorCode, type DecodeContext } from './decode.js';
import {
  AUDIO_ENVELOPE,
  INPUT_CLEAR,
  INPUT_COMMIT,
  OUTPUT_CLEAR,
  RESPONSE_CANCEL,
  encodeTextItem,
  functionCallOutput,
  itemCreate,
  itemDelete,
  itemRetrieve,
  itemTruncate,
  responseCreateWith,
} from './encode.js';
import { clientEventProblem, itemProblem, responseParamsProblem } from './limits.js';
import { ResponseGate, type ResponseParams } from './responseGate.js';
import type { SessionConfig } from './sessionConfig.js';
import { sessionPatch } from './sessionUpdate.js';
import { validateSessionUpdate } from './validate.js';

/**
 * One socket of the `openai` dialect: its encoders, its decoding, and its response gating
 * ({@link ResponseGate}).
 *
 * Decoding moves the gate on the message's type alone, before and regardless of the fields' validity
 * (a `response.done` with a malformed body still ends the response). Of the errors, only
 * `conversation_already_has_active_response` moves it; `response_cancel_not_active` does not: by the
 * time it arrives a request sent after the cancel may well be active. `response.cancel` is sent as
 * is, and leaves a held request held: it is released when the cancelled response is done.
 */
export class OpenAIDialectSession implements DialectSession, DecodeContext {
  private readonly gate = new ResponseGate();
  /** Output item id -> the response that made it (for `tool.call.responseId`), made when first needed. */
  responseOfItem: Map<string, string> | undefined = undefined;

  constructor(
    private readonly params: SessionParams,
    private readonly config: SessionConfig,
  ) {}

  /** Out-of-band responses under way. */
  get outOfBand(): ReadonlySet<string> {
    return this.gate.outOfBand;
  }

  /** The session's output format, as it stands (what audio deltas are). */
  get output(): FrameFormat {
    return this.config.output;
  }

  sessionMessage(): string {
    return this.config.sessionMessage();
  }

  audioEnvelope(): AudioEnvelope {
    return AUDIO_ENVELOPE;
  }

  encodeText(text: string, itemId?: string): string[] {
    const frames = [encodeTextItem(text, itemId)];
    if (this.params.respondToText !== false) this.gate.request(undefined, frames);
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
        if (control.respond !== false) this.gate.request(undefined, frames);
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
            input?.format && { type: input.format.type ?? 'audio/pcm', rate: OPENAI_SAMPLE_RATE },
            output?.format && { type: output.format.type ?? 'audio/pcm', rate: OPENAI_SAMPLE_RATE },
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
    // Most of what a server sends: an audio delta, read from its text where it can be (the sink, when
    // there is one, wants the parsed message).
    if (sink === undefined) {
      const event = scanAudioDelta(data, this.config.output);
      if (event !== undefined) return event;
    }
    const message = parseFrame(data);
    if (typeof message === 'string') return { type: 'invalid', detail: message };
    // Decoded without the lookup (a bad one is left to its codec's decoder).
    if (message.type === 'response.output_audio.delta') {
      const event = decodeAudioDelta(message, 'response.output_audio.delta', this.config.output, sink);
      if (event !== undefined) return event;
    }
    switch (message.type) {
      case 'response.created': {
        const response = message.response as { id?: unknown; conversation_id?: unknown } | undefined;
        const outOfBand = response?.conversation_id === null && typeof response.id === 'string';
        this.gate.created(outOfBand ? (response.id as string) : undefined);
        break;
      }
      case 'response.done':
      case 'response.cancelled':
        this.gate.ended((message.response as { id?: unknown } | undefined)?.id ?? message.response_id);
        break;
      case 'error':
        if (errorCode(message) === 'conversation_already_has_active_response') this.gate.refused();
        break;
    }
    return decodeServerMessage(message, this, sink);
  }

  takePending(): string[] | undefined {
    return this.gate.takePending();
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
    this.gate.request(params, frames);
    return { frames };
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
