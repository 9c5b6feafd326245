import type { DialectName } from '../protocol/dialect.js';

/** A client frame as the dev server understands it. */
export type ClientMessage =
  | { kind: 'session'; prompt: string }
  | { kind: 'audio'; data: string; sampleRate: number; numChannels: number }
  | { kind: 'text'; text: string }
  | { kind: 'other'; type: string };

/** The server side of a wire protocol: parse what clients send, write what servers say. */
export interface ServerDialect {
  readonly name: DialectName;
  /** One client text frame; throws on JSON that is not a realtime message. */
  parse(data: string): ClientMessage;
  /** Frames answering the session message. */
  session(sessionId: string, prompt: string): string[];
  /** Frames around one spoken reply: before its audio, one audio delta, after it. */
  replyStart(replyId: string): string[];
  audioDelta(base64Pcm16: string, sampleRate: number, samplesPerChannel: number, replyId: string): string;
  replyEnd(replyId: string): string[];
  /** Frames answering one user text. */
  textReply(text: string, replyId: string): string[];
  /** A server error message. */
  error(message: string): string;
}

/** The seed's (Codex first-generation) protocol, server side. */
export const codexServerDialect: ServerDialect = {
  name: 'codex',
  parse(data) {
    const message = JSON.parse(data) as Record<string, unknown> | null;
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') throw new Error('not a realtime message');
    switch (message.type) {
      case 'session.create': {
        const session = message.session as { backend_prompt?: unknown } | undefined;
        return { kind: 'session', prompt: typeof session?.backend_prompt === 'string' ? session.backend_prompt : '' };
      }
      case 'response.input_audio.delta':
        return { kind: 'audio', data: String(message.delta), sampleRate: Number(message.sample_rate), numChannels: Number(message.num_channels) };
      case 'conversation.item.create': {
        const item = message.item as { content?: { text?: unknown }[] } | undefined;
        const text = item?.content?.map((part) => (typeof part.text === 'string' ? part.text : '')).join('') ?? '';
        return { kind: 'text', text };
      }
      default:
        return { kind: 'other', type: message.type };
    }
  },
  session: (id, prompt) => [
    JSON.stringify({ type: 'session.created', session: { id } }),
    JSON.stringify({ type: 'session.updated', session: { id, backend_prompt: prompt } }),
  ],
  replyStart: () => [],
  audioDelta: (delta, sampleRate, samplesPerChannel) =>
    JSON.stringify({ type: 'response.output_audio.delta', delta, sample_rate: sampleRate, num_channels: 1, samples_per_channel: samplesPerChannel }),
  replyEnd: () => [],
  textReply: (text, replyId) => [
    JSON.stringify({ type: 'conversation.item.added', item: { id: replyId, type: 'message', role: 'assistant', content: [{ type: 'text', text: `You said: "${text}"` }] } }),
  ],
  error: (message) => JSON.stringify({ type: 'error', message }),
};
