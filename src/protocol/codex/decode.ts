import { printable } from '../printable.js';
import { UNKNOWN_TYPE, type Decoded, type ServerEventSink } from '../dialect.js';
import type { RealtimeEvent, RealtimeEventOf } from '../events.js';
import { audioFrameProblem, type RealtimeAudioFrame } from '../frame.js';
import { decoder, parseFrame, type MessageDecoder } from '../messageDecoder.js';
import { CodexServerEventCodecs } from './wire.js';
import {
  AudioInDelta,
  ErrorWithMessage,
  ErrorWithNestedMessage,
  SessionIdInSession,
  type ConversationItemAddedMessage,
  type OutputAudioDeltaMessage,
  type ServerErrorMessage,
  type SessionCreatedMessage,
  type SessionUpdatedMessage,
} from './codecs.js';

function sessionCreated(m: SessionCreatedMessage): RealtimeEvent {
  return { type: 'session.created', sessionId: SessionIdInSession.is(m) ? m.session.id : m.session_id };
}

function sessionUpdated(m: SessionUpdatedMessage): RealtimeEvent {
  const event: RealtimeEventOf<'session.updated'> = { type: 'session.updated' };
  if (m.session.id !== undefined) event.sessionId = m.session.id;
  if (m.session.backend_prompt !== undefined) event.instructions = m.session.backend_prompt;
  return event;
}

function audioOut(m: OutputAudioDeltaMessage): RealtimeEvent {
  // `.is` rather than `'delta' in m`: a non-string `delta` next to a valid `data` must not win.
  const frame: RealtimeAudioFrame = {
    data: AudioInDelta.is(m) ? m.delta : m.data,
    sampleRate: m.sample_rate,
    numChannels: m.num_channels,
  };
  if (m.samples_per_channel !== undefined) frame.samplesPerChannel = m.samples_per_channel;
  if (m.item_id !== undefined) frame.itemId = m.item_id;
  // Checked as outbound frames are, so that a player is never handed what it cannot play.
  const problem = audioFrameProblem(frame);
  if (problem !== undefined)
    return {
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: `audio not usable: ${problem}`,
    };
  return { type: 'audio.out', frame };
}

function itemAdded(m: ConversationItemAddedMessage): RealtimeEvent {
  return { type: 'conversation.item.added', item: m.item };
}

function serverError(m: ServerErrorMessage): RealtimeEvent {
  if (ErrorWithMessage.is(m)) return { type: 'error', message: m.message };
  if (ErrorWithNestedMessage.is(m)) return { type: 'error', message: m.error.message };
  return { type: 'error', message: printable(m.error, MAX_ERROR_CHARS) };
}

/** Wire `type` -> decoder. Adding an inbound type is one line here plus its codec. */
const DECODERS = new Map<string, MessageDecoder>([
  ['session.created', decoder(CodexServerEventCodecs['session.created'], sessionCreated)],
  ['session.updated', decoder(CodexServerEventCodecs['session.updated'], sessionUpdated)],
  ['response.output_audio.delta', decoder(CodexServerEventCodecs['response.output_audio.delta'], audioOut)],
  ['conversation.item.added', decoder(CodexServerEventCodecs['conversation.item.added'], itemAdded)],
  ['error', decoder(CodexServerEventCodecs.error, serverError)],
]);

/** A server error given as a bare value is quoted at most this long. */
const MAX_ERROR_CHARS = 1000;

/**
 * One inbound text frame of the codex dialect. Never throws: bad JSON, a non-object, or a missing
 * `type` is `invalid`; an unknown type is {@link UNKNOWN_TYPE}; a known type with bad fields is
 * `invalid` naming the bad path.
 */
export function decodeCodex(data: string, sink?: ServerEventSink): Decoded {
  const message = parseFrame(data);
  if (typeof message === 'string') return { type: 'invalid', detail: message };
  const decode = DECODERS.get(message.type);
  return decode === undefined ? UNKNOWN_TYPE : decode(message, message.type, undefined, sink);
}
