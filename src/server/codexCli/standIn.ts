// What the Codex CLI's v1 and v3 protocols share on the dev server: the stand-in's turns (a heard
// utterance is transcribed by its length and echoed, a text is quoted, a text to speak is said) and
// the error handling. Each version only parses its frames and names its events.
import type { Heard } from '../audioIntake.js';
import { ECHO_TRANSCRIPT } from '../openai/replies.js';
import { split } from '../openai/responses.js';
import { ClientError, clientMessage, isObject, type Json } from '../openai/wire.js';
import type { ConnectionHost, DialectConnection } from '../serverDialect.js';

/** The Codex CLI sends 16-bit mono PCM at 24 kHz (v1 declares it in its session; v3 has no choice). */
export const CLI_AUDIO_RATE = 24_000;

/** One assistant turn: its transcript, and the audio it echoes (none for a text). */
interface Turn {
  transcript: string;
  speech?: Float32Array;
}

export abstract class StandInConnection implements DialectConnection {
  /** Turns are said one after the other. */
  private saying: Promise<unknown> = Promise.resolve();
  private itemCount = 0;
  private started = false;
  /** The user item that the speech in progress will become. */
  private speechItemId: string | undefined;

  constructor(protected readonly host: ConnectionHost) {}

  receive(data: string): void {
    try {
      const message = clientMessage(data);
      if (typeof message.type !== 'string')
        throw new ClientError('invalid_json', 'The message is not a JSON object with a string type.');
      this.handle(message.type, message);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      this.sendError(error.code, error.message);
    }
  }

  receiveBinary(): void {
    this.sendError('invalid_json', 'Binary frames are not part of the protocol.');
  }

  injectError(message: string): void {
    this.sendError('injected', message, 'server_error');
  }

  /** One client message of a known shape: a string `type`. Throws {@link ClientError} for a bad one. */
  protected abstract handle(type: string, message: Json): void;
  /** The session's first acknowledgement (`first`), or a later one. */
  protected abstract sessionAcknowledged(sessionId: string, first: boolean): void;
  /** Speech started in the input (after the VAD's minimum speech). */
  protected abstract speechStarted(itemId: string, startMs: number): void;
  /** The utterance ended: its transcript. */
  protected abstract userTurn(itemId: string, transcript: string, endMs: number): void;
  /** An assistant turn begins with its transcript. */
  protected abstract turnStarted(itemId: string, transcript: string): void;
  /** One 20 ms frame of an assistant turn's audio (base64 PCM16 at {@link replyRate}). */
  protected abstract turnAudio(itemId: string, audio: string, samples: number): void;
  /** The assistant turn is over. */
  protected abstract turnDone(itemId: string, transcript: string): void;
  /** Sends an error event. */
  protected abstract sendError(code: string, message: string, type?: string): void;
  /** The sample rate of the echoed audio on the wire. */
  protected abstract readonly replyRate: number;

  /** Acknowledges a session message: the first one names the session (and lets the stall fault start). */
  protected acknowledgeSession(): void {
    if (this.started) return this.sessionAcknowledged(this.host.stats.sessionId!, false);
    this.started = true;
    this.host.startSession((id) => this.sessionAcknowledged(id, true));
  }

  /** One chunk of input audio: speech start, and at the utterance's end its transcript and echo. */
  protected hear(base64: string, sampleRate: number): void {
    let heard: Heard;
    try {
      heard = this.host.hearAudio(base64, sampleRate, 1);
    } catch (error) {
      throw new ClientError('invalid_value', `Invalid 'audio': ${(error as Error).message}.`);
    }
    if (heard.event === 'speech-start') {
      this.speechItemId = this.nextItemId();
      this.speechStarted(this.speechItemId, Math.round(heard.startMs));
    } else if (heard.event === 'speech-end') {
      const itemId = this.speechItemId ?? this.nextItemId();
      this.speechItemId = undefined;
      const seconds = heard.speech.length / this.host.outputRate;
      this.userTurn(itemId, `(${seconds.toFixed(2)} s of audio)`, Math.round(heard.endMs));
      if (heard.speech.length > 0) this.say({ transcript: ECHO_TRANSCRIPT, speech: heard.speech });
    }
  }

  /** A user's text: quoted back. */
  protected quote(text: string): void {
    this.say({ transcript: `You said: "${text}"` });
  }

  /** A text the client wants spoken: said (the transcript only: the stand-in has no voice but an echo). */
  protected speak(text: string): void {
    this.say({ transcript: text });
  }

  protected nextItemId(): string {
    return `item_dev_${++this.itemCount}`;
  }

  /** Deltas of a transcript, as a stand-in streams them. */
  protected deltas(text: string): string[] {
    return split(text);
  }

  protected send(event: Json): void {
    this.host.send(JSON.stringify(event));
  }

  private say(turn: Turn): void {
    this.saying = this.saying.then(async () => {
      const itemId = this.nextItemId();
      this.turnStarted(itemId, turn.transcript);
      if (turn.speech !== undefined) {
        const playback = this.host.play(
          turn.speech,
          (audio, samples) => this.turnAudio(itemId, audio, samples),
          undefined,
          this.replyRate,
        );
        if ((await playback.finished) === 'stopped') return;
      }
      this.turnDone(itemId, turn.transcript);
    });
  }
}

/** The words of `content`: its text parts, joined; throws a ClientError naming `path` for anything else. */
export function textParts(content: unknown, path: string, types: readonly string[]): string {
  if (!Array.isArray(content))
    throw new ClientError('invalid_type', `Invalid type for '${path}': expected an array.`);
  return content
    .map((part: unknown, i) => {
      const at = `${path}[${i}]`;
      if (!isObject(part) || typeof part.type !== 'string' || !types.includes(part.type))
        throw new ClientError(
          'invalid_value',
          `Invalid '${at}': expected a part of type ${types.map((t) => `'${t}'`).join(' or ')}.`,
        );
      if (typeof part.text !== 'string')
        throw new ClientError('invalid_type', `Invalid type for '${at}.text': expected a string.`);
      return part.text;
    })
    .join('');
}

/** A session message's `instructions`, checked: `undefined` when absent. */
export function instructionsOf(update: Json): string | undefined {
  const instructions = update.instructions;
  if (instructions !== undefined && typeof instructions !== 'string')
    throw new ClientError('invalid_type', "Invalid type for 'session.instructions': expected a string.");
  return instructions;
}

/** The `output.voice` of a session message's `audio`, checked: `undefined` when absent. */
export function voiceOf(audio: unknown): string | undefined {
  const voice = isObject(audio) && isObject(audio.output) ? audio.output.voice : undefined;
  if (voice !== undefined && typeof voice !== 'string')
    throw new ClientError(
      'invalid_type',
      "Invalid type for 'session.audio.output.voice': expected a string.",
    );
  return voice;
}

/** `{ model }` from the `?model=` of a request path, or nothing. */
export function modelOf(path: string): { model?: string } {
  let model: string | null = null;
  try {
    model = new URL(path, 'http://localhost').searchParams.get('model');
  } catch {
    // a path that is no URL names no model
  }
  return model === null ? {} : { model };
}
