import type { SessionParams } from '../dialect.js';
import { frameFormat, type FrameFormat } from './audio.js';
import type { OpenAIAudioFormat, OpenAISessionOptions } from './options.js';
import { sessionUpdate, type SessionChange } from './sessionUpdate.js';

/**
 * A conversation's session as it stands: the options it was opened with, changed by every
 * `session.update` it sends. Shared by the conversation's sockets, so a socket opened after a reconnect
 * starts with the changes, and the audio checks follow the formats in force.
 */
export class SessionConfig {
  private prompt: string | undefined;
  private options: OpenAISessionOptions;
  /** What outbound frames must be, and what inbound deltas are. */
  input: FrameFormat;
  output: FrameFormat;

  constructor(private readonly params: SessionParams) {
    this.prompt = params.prompt;
    this.options = { ...params.session };
    this.input = frameFormat(this.options.inputFormat);
    this.output = frameFormat(this.options.outputFormat);
  }

  /** The first frame of a socket: the whole session as it stands. */
  sessionMessage(): string {
    return sessionUpdate({ ...this.params, prompt: this.prompt, session: this.options });
  }

  /** A validated change, as it is sent: the options it names replace the current ones. */
  apply(change: SessionChange): void {
    const { instructions, ...options } = change;
    if (instructions !== undefined) this.prompt = instructions;
    this.options = { ...this.options, ...options };
    this.setFormats(options.inputFormat, options.outputFormat);
  }

  /** The formats of a validated wire `session.update` sent as a client event (its other fields are not tracked). */
  setFormats(input: OpenAIAudioFormat | undefined, output: OpenAIAudioFormat | undefined): void {
    if (input !== undefined) this.input = frameFormat(input);
    if (output !== undefined) this.output = frameFormat(output);
  }
}
