import type { ConnectionHost, DialectConnection, ServerDialect } from './serverDialect.js';

/** A client frame as the codex dialect's server understands it. */
type ClientMessage =
  | { kind: 'session'; prompt: string }
  | { kind: 'audio'; data: string; sampleRate: number; numChannels: number }
  | { kind: 'text'; text: string }
  | { kind: 'other'; type: string };

/** One client text frame; throws on JSON that is not a realtime message. */
function parse(data: string): ClientMessage {
  const message = JSON.parse(data) as Record<string, unknown> | null;
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string')
    throw new Error('not a realtime message');
  switch (message.type) {
    case 'session.create': {
      const session = message.session as { backend_prompt?: unknown } | undefined;
      return {
        kind: 'session',
        prompt: typeof session?.backend_prompt === 'string' ? session.backend_prompt : '',
      };
    }
    case 'response.input_audio.delta':
      return {
        kind: 'audio',
        data: String(message.delta),
        sampleRate: Number(message.sample_rate),
        numChannels: Number(message.num_channels),
      };
    case 'conversation.item.create': {
      const item = message.item as { content?: { text?: unknown }[] } | undefined;
      const text =
        item?.content?.map((part) => (typeof part.text === 'string' ? part.text : '')).join('') ?? '';
      return { kind: 'text', text };
    }
    default:
      return { kind: 'other', type: message.type };
  }
}

/**
 * Codex's first-generation realtime protocol, server side: `session.create` is answered with
 * `session.created` + `session.updated`, each utterance is echoed as bare `response.output_audio.delta`
 * frames (one reply after the other), a text is quoted back as an assistant item, unknown types are
 * ignored, and errors are `{type:'error', message}`.
 */
export const codexServerDialect: ServerDialect = {
  name: 'codex',
  connect: (host) => new CodexConnection(host),
};

class CodexConnection implements DialectConnection {
  private replying: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: ConnectionHost) {}

  receive(data: string): void {
    let message: ClientMessage;
    try {
      message = parse(data);
    } catch (error) {
      return this.error(`could not parse client message: ${(error as Error).message}`);
    }
    switch (message.kind) {
      case 'session':
        return this.host.startSession((id) => {
          this.send({ type: 'session.created', session: { id } });
          this.send({ type: 'session.updated', session: { id, backend_prompt: message.prompt } });
        });
      case 'text': {
        const id = `item_text_${++this.host.stats.textsIn}`;
        return this.send({
          type: 'conversation.item.added',
          item: {
            id,
            type: 'message',
            role: 'assistant',
            content: [{ type: 'text', text: `You said: "${message.text}"` }],
          },
        });
      }
      case 'audio':
        return this.onAudio(message.data, message.sampleRate, message.numChannels);
      case 'other':
        return;
    }
  }

  receiveBinary(): void {
    this.error('binary frames are not part of the protocol');
  }

  injectError(message: string): void {
    this.error(message);
  }

  private onAudio(data: string, sampleRate: number, numChannels: number): void {
    let heard;
    try {
      heard = this.host.hearAudio(data, sampleRate, numChannels);
    } catch (error) {
      return this.error((error as Error).message);
    }
    if (heard.event !== 'speech-end' || heard.speech.length === 0) return;
    const { speech } = heard;
    // One reply after the other.
    this.replying = this.replying.then(
      () =>
        this.host.play(speech, (delta, samples) =>
          this.send({
            type: 'response.output_audio.delta',
            delta,
            sample_rate: this.host.outputRate,
            num_channels: 1,
            samples_per_channel: samples,
          }),
        ).finished,
    );
  }

  private error(message: string): void {
    this.send({ type: 'error', message });
  }

  private send(message: object): void {
    this.host.send(JSON.stringify(message));
  }
}
