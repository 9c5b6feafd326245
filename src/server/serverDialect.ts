import type { DialectName } from '../protocol/dialect.js';
import type { AudioIntake, Heard } from './audioIntake.js';
import type { VadOptions } from './vad.js';

/**
 * What the dev server saw on one connection: its path, session, the audio and texts it received, the
 * replies it sent and how it closed.
 *
 * @example
 * ```ts
 * const [first]: readonly DevConnectionStats[] = server.connections();
 * console.log(`${first?.path}: ${first?.audioMsIn} ms heard, ${first?.replies} replies, closed ${first?.closeCode}`);
 * ```
 */
export interface DevConnectionStats {
  /** 1 for the server's first connection, then 2, 3... */
  id: number;
  /** The path and query the client connected to, e.g. `/v1/realtime?model=gpt-realtime`. */
  path: string;
  /** `sess_dev_<id>` once the session message was answered. */
  sessionId: string | undefined;
  /** Audio frames received. */
  audioFramesIn: number;
  /** Ms of audio received. */
  audioMsIn: number;
  /** Texts received. */
  textsIn: number;
  /** Spoken replies started. */
  replies: number;
  /** Audio frames sent in replies. */
  replyFramesOut: number;
  /** Ms of audio sent in replies. */
  replyMsOut: number;
  /** The close code, once closed (1006 when dropped). */
  closeCode: number | undefined;
}

/** One spoken reply on its way out. */
export interface Playback {
  /** `completed` once every frame is sent, `cancelled` after {@link cancel}, `stopped` if the connection ended first. */
  readonly finished: Promise<'completed' | 'cancelled' | 'stopped'>;
  /** Ms of audio sent so far. */
  readonly sentMs: number;
  /** Stops at once: no further frame is sent. */
  cancel(): void;
}

/**
 * The machinery one connection shares with its dialect: sending (with the latency fault), the session
 * bookkeeping (with the stall fault), the audio intake and VAD, the real-time paced echo, timers that
 * die with the connection. The drop and error faults need no help from the dialect beyond
 * {@link DialectConnection.injectError}.
 */
export interface ConnectionHost {
  readonly stats: DevConnectionStats;
  /** Sample rate of every reply. */
  readonly outputRate: number;
  /** The input buffer and its VAD (configured from {@link vad} until the dialect reconfigures it). */
  readonly audio: AudioIntake;
  /** The server's VAD knobs (its `vad` option). */
  readonly vad: VadOptions;
  /** Sends one server frame (after `latencyMs`, if set). */
  send(frame: string): void;
  /** Names the session (`sess_dev_N`), lets `answer` send its frames, then stalls reads if asked. */
  startSession(answer: (sessionId: string) => void): void;
  /**
   * Decodes (`decode`: base64 to PCM16 samples, default base64 PCM16), downmixes and counts one chunk
   * of audio and feeds it to {@link audio}; throws on bad data.
   */
  hearAudio(
    base64: string,
    sampleRate: number,
    numChannels: number,
    decode?: (base64: string) => Int16Array,
  ): Heard;
  /**
   * Sends `speech` (at {@link outputRate}) back as 20 ms frames at `rate` (default the output rate),
   * paced at real time, counting it as a reply; `encode` turns each frame's PCM16 samples into its wire
   * form (default base64 PCM16).
   */
  play(
    speech: Float32Array,
    frame: (data: string, samples: number) => void,
    encode?: (pcm: Int16Array) => string,
    rate?: number,
  ): Playback;
  /** Runs `action` after `ms` unless the connection ends first; returns a cancel function. */
  after(ms: number, action: () => void): () => void;
}

/** One connection's worth of a wire protocol, server side. */
export interface DialectConnection {
  /** One client text frame. */
  receive(data: string): void;
  /** One client binary frame. */
  receiveBinary(): void;
  /** Sends the `errorAfterMs` fault's error. */
  injectError(message: string): void;
}

/**
 * The protocols the dev server speaks: the client dialects, and the Codex CLI's v1 and v3 (its v2 is
 * the `openai` one).
 */
export type ServerDialectName = DialectName | 'codex-cli-v1' | 'codex-cli-v3';

/** The server side of a wire protocol. */
export interface ServerDialect {
  readonly name: ServerDialectName;
  /** The WebSocket subprotocol to select when the client offers it (else the first offered one). */
  readonly subprotocol?: string;
  connect(host: ConnectionHost): DialectConnection;
}
