import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { base64ToPcm16, pcm16ToBase64 } from '../audio/base64.js';
import { floatToPcm16, pcm16ToFloat } from '../audio/pcm.js';
import type { DialectName } from '../protocol/dialect.js';
import { Resampler } from '../audio/resample.js';
import { AudioIntake, concat, type Heard } from './audioIntake.js';
import { ClientSecrets } from './clientSecrets.js';
import { dialectOfRequest } from './codexCli/route.js';
import { codexServerDialect } from './codexServer.js';
import { openaiServerDialect } from './openaiServer.js';
import type {
  ConnectionHost,
  DevConnectionStats,
  DialectConnection,
  Playback,
  ServerDialect,
} from './serverDialect.js';
import type { VadOptions } from './vad.js';

export type { DevConnectionStats } from './serverDialect.js';

/**
 * Options of {@link startDevServer}: where it listens, the wire protocol, the fault switches, the
 * browser keys it mints, and its log. Every one is optional.
 *
 * @example
 * ```ts
 * const options: DevServerOptions = { latencyMs: 200, dropAfterMs: 5_000, log: console.log };
 * const server = await startDevServer(options);
 * ```
 */
export interface DevServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * Wire protocol of requests that do not name theirs; default 'openai' (the OpenAI Realtime GA
   * protocol, on any path, which is also the Codex CLI's v2); 'codex' on /ws. Requests that name
   * the Codex CLI's v1 or v3 (`openai-alpha` header, `/v1/live`, `?intent=quicksilver`) get those.
   */
  dialect?: DialectName;
  /** Delay every frame the server sends by this many ms. */
  latencyMs?: number;
  /** Drop each connection abruptly (no close frame: the client sees 1006) this long after it opens. */
  dropAfterMs?: number;
  /** Send a server `error` this long after each connection opens. */
  errorAfterMs?: number;
  /** Stop reading each socket after the session message: for this many ms, or for good when `true`. */
  stallReads?: boolean | number;
  /** Sample rate of the replies; default 24 000. */
  outputSampleRate?: number;
  /** Voice-activity detection knobs. */
  vad?: VadOptions;
  /**
   * How long each client secret minted by `POST /v1/realtime/client_secrets` lives, in ms, whatever
   * its request's `expires_after` says (the API's shortest is 10 s): for tests of an expired key.
   */
  clientSecretTtlMs?: number;
  /**
   * Refuse (401) every WebSocket that does not carry a live client secret minted here. By default only
   * a key that starts with `ek_` is checked, and a connection without one goes through.
   */
  requireClientSecret?: boolean;
  /** Receives one line per connection when it ends, per client secret minted and per handshake refused. */
  log?: (line: string) => void;
}

/**
 * A running dev server: where to connect, what each connection did, and how to stop it.
 *
 * @example
 * ```ts
 * const server: DevServer = await startDevServer();
 * const conversation = connectConversation({ url: server.url });
 * // ...
 * console.log(server.connections()[0]?.replies);
 * await server.close();
 * ```
 */
export interface DevServer {
  /** `ws://host:port`; dialects add their own path. */
  readonly url: string;
  /** `http://host:port/v1/realtime/client_secrets`: POST here for a short-lived browser key. */
  readonly clientSecretsUrl: string;
  /** One entry per connection so far. */
  connections(): readonly DevConnectionStats[];
  /** Stops listening and drops every connection (the clients see 1006); resolves once closed. */
  close(): Promise<void>;
}

/** ws's answer to `verifyClient`: accept, or refuse with a status, a body and headers. */
type VerifyCallback = (
  accept: boolean,
  status?: number,
  body?: string,
  headers?: Record<string, string>,
) => void;

const REPLY_FRAME_MS = 20;
const serverDialects: Record<DialectName, ServerDialect> = {
  codex: codexServerDialect,
  openai: openaiServerDialect,
};

/**
 * Starts the dev server that `realtime-rx serve` runs (on 127.0.0.1 by default): an honest local
 * stand-in for a realtime server, for demos and resilience tests — not an AI. Node only (in a browser
 * bundle it rejects with a `RealtimeError` of kind `config`).
 *
 * It answers the session message, echoes each utterance it hears (speech followed by ~500 ms of
 * silence, found by an energy VAD) back as output audio paced at real time, quotes texts back as
 * assistant items, and can misbehave on purpose (latency, drops, errors, stalled reads). What goes
 * over the wire is the dialect's: `openai` (the default: the OpenAI Realtime GA event sequence, on
 * any path, which the Codex CLI's realtime v2 speaks) or `codex`; whatever the dialect, a request from
 * the Codex CLI in its realtime v1 or v3 gets that protocol.
 *
 * `POST /v1/realtime/client_secrets` (the GA request: `{ session?, expires_after? }`) mints a
 * short-lived `ek_` key, `{ value, expires_at, session }`, that a WebSocket may then carry as a
 * browser does (the subprotocol `openai-insecure-api-key.<key>`) or as `Authorization: Bearer <key>`.
 * A key that starts with `ek_` is checked: one it did not mint, or one that has expired, is refused
 * with a 401 whose GA error body says why. A connection without a key goes through, unless
 * `requireClientSecret` is set.
 *
 * @example
 * ```ts
 * import { connectConversation } from 'realtime-rx';
 * import { startDevServer } from 'realtime-rx/testing';
 *
 * const server = await startDevServer({ latencyMs: 100 });
 * const conversation = connectConversation({ url: server.url, prompt: 'Be brief.' });
 * conversation.text.next('hello'); // → an assistant item: You said: "hello"
 *
 * // A browser key, as your server would mint it from OpenAI:
 * const minted = await fetch(server.clientSecretsUrl, { method: 'POST', body: '{}' });
 * const { value } = (await minted.json()) as { value: string };
 * const keyed = connectConversation({ url: server.url, apiKey: value });
 * // ...
 * await server.close();
 * ```
 *
 * @param options Where to listen, the dialect, the fault switches, the client secrets, the log.
 * @return The running server: its `url`, `clientSecretsUrl`, `connections()` and `close()`.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const dialect = serverDialects[options.dialect ?? 'openai'] as ServerDialect | undefined;
  if (dialect === undefined) throw new Error(`the dev server does not speak the ${options.dialect} dialect`);
  const secrets = new ClientSecrets({
    ttlMs: options.clientSecretTtlMs,
    required: options.requireClientSecret,
    vad: options.vad ?? {},
    outputRate: options.outputSampleRate ?? 24_000,
    log: options.log,
  });
  const http = createServer((request, response) => {
    if (!ClientSecrets.isMintRequest(request))
      return void response.writeHead(426).end('realtime-rx dev server: connect with a WebSocket\n');
    secrets.answer(request, response).catch(() => response.destroy());
  });
  const preferred = dialect.subprotocol;
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    // A refused key gets a 401 whose JSON body says why, as the API answers.
    verifyClient: ({ req }: { req: IncomingMessage }, accept: VerifyCallback) => {
      const refusal = secrets.refusal(req);
      if (refusal === undefined) accept(true);
      else accept(false, refusal.status, refusal.body, { 'Content-Type': 'application/json' });
    },
    ...(preferred === undefined
      ? {}
      : {
          handleProtocols: (offered: Set<string>) =>
            offered.has(preferred) ? preferred : (offered.values().next().value ?? false),
        }),
  });
  // ws re-emits the http server's errors, a failed listen among them: that one rejects below.
  wss.on('error', () => undefined);
  const stats: DevConnectionStats[] = [];
  const live = new Set<DevConnection>();
  wss.on('connection', (socket, request) => {
    const connection = new DevConnection(
      socket,
      request,
      stats.length + 1,
      dialectOfRequest(request, dialect),
      options,
    );
    stats.push(connection.stats);
    live.add(connection);
    socket.on('close', () => live.delete(connection));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as { port: number };
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${host}:${port}`,
    clientSecretsUrl: `http://${host}:${port}/v1/realtime/client_secrets`,
    connections: () => stats,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const connection of live) connection.stop();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      })),
  };
}

/** One WebSocket: the shared machinery, with the dialect's connection handling the protocol. */
class DevConnection implements ConnectionHost {
  readonly stats: DevConnectionStats;
  readonly outputRate: number;
  readonly audio: AudioIntake;
  readonly vad: VadOptions;
  private readonly protocol: DialectConnection;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly playing = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
    id: number,
    dialect: ServerDialect,
    private readonly options: DevServerOptions,
  ) {
    this.stats = {
      id,
      path: request.url ?? '/',
      sessionId: undefined,
      audioFramesIn: 0,
      audioMsIn: 0,
      textsIn: 0,
      replies: 0,
      replyFramesOut: 0,
      replyMsOut: 0,
      closeCode: undefined,
    };
    this.outputRate = options.outputSampleRate ?? 24_000;
    this.vad = options.vad ?? {};
    this.audio = new AudioIntake(this.outputRate, this.vad);
    this.protocol = dialect.connect(this);
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('error', () => undefined); // the close that follows tells the story
    socket.on('close', (code) => {
      this.stats.closeCode = code;
      this.stop();
      options.log?.(this.summary());
    });
    if (options.dropAfterMs !== undefined) this.after(options.dropAfterMs, () => socket.terminate());
    if (options.errorAfterMs !== undefined) {
      this.after(options.errorAfterMs, () =>
        this.protocol.injectError(`dev server: error injected after ${options.errorAfterMs} ms`),
      );
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const end of this.playing) end();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING)
      this.socket.terminate();
  }

  startSession(answer: (sessionId: string) => void): void {
    this.stats.sessionId = `sess_dev_${this.stats.id}`;
    answer(this.stats.sessionId);
    const stall = this.options.stallReads;
    if (stall === undefined || stall === false) return;
    this.socket.pause();
    if (typeof stall === 'number') this.after(stall, () => this.socket.resume());
  }

  hearAudio(
    base64: string,
    sampleRate: number,
    numChannels: number,
    decode: (base64: string) => Int16Array = base64ToPcm16,
  ): Heard {
    const mono = toMono(pcm16ToFloat(decode(base64)), numChannels);
    this.stats.audioFramesIn++;
    this.stats.audioMsIn += (mono.length / sampleRate) * 1000;
    return this.audio.push(mono, sampleRate);
  }

  play(
    speech: Float32Array,
    frame: (data: string, samples: number) => void,
    encode: (pcm: Int16Array) => string = pcm16ToBase64,
    rate: number = this.outputRate,
  ): Playback {
    let sentMs = 0;
    let finish: (how: 'completed' | 'cancelled' | 'stopped') => void = () => undefined;
    const finished = new Promise<'completed' | 'cancelled' | 'stopped'>((resolve) => (finish = resolve));
    if (this.stopped) {
      finish('stopped');
      return { finished, sentMs: 0, cancel: () => undefined };
    }
    this.stats.replies++;
    const pcm = floatToPcm16(rate === this.outputRate ? speech : resampleAll(speech, this.outputRate, rate));
    const frameSamples = (rate * REPLY_FRAME_MS) / 1000;
    const frames = Math.ceil(pcm.length / frameSamples);
    const started = Date.now();
    let sent = 0;
    let cancelTimer = () => undefined as void;
    let over = false;
    const end = (how: 'completed' | 'cancelled' | 'stopped') => {
      if (over) return;
      over = true;
      cancelTimer();
      this.playing.delete(stopNow);
      finish(how);
    };
    const stopNow = () => end('stopped');
    this.playing.add(stopNow);
    const tick = () => {
      if (over) return;
      const due = Math.min(frames, Math.floor((Date.now() - started) / REPLY_FRAME_MS) + 1);
      for (; sent < due && !over; sent++) {
        const chunk = pcm.subarray(sent * frameSamples, (sent + 1) * frameSamples);
        const ms = (chunk.length / rate) * 1000;
        sentMs += ms;
        this.stats.replyFramesOut++;
        this.stats.replyMsOut += ms;
        frame(encode(chunk), chunk.length);
      }
      if (over) return;
      if (sent < frames) cancelTimer = this.after(REPLY_FRAME_MS, tick);
      else end('completed');
    };
    tick();
    return {
      finished,
      get sentMs() {
        return sentMs;
      },
      cancel: () => end('cancelled'),
    };
  }

  send(frame: string): void {
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) this.after(latency, () => this.sendNow(frame));
    else this.sendNow(frame);
  }

  after(ms: number, action: () => void): () => void {
    if (this.stopped) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) this.protocol.receiveBinary();
    // ws's default binaryType is 'nodebuffer': a text message arrives as one Buffer.
    else this.protocol.receive((data as Buffer).toString());
  }

  private sendNow(frame: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  private summary(): string {
    const s = this.stats;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return (
      `[serve] connection ${s.id} ${s.path} ${s.sessionId ?? '(no session)'}: ` +
      `audio in ${s.audioFramesIn} frames (${seconds(s.audioMsIn)}), texts in ${s.textsIn}, ` +
      `replies ${s.replies} (${s.replyFramesOut} frames, ${seconds(s.replyMsOut)}), closed ${s.closeCode}`
    );
  }
}

/** One whole signal at another rate. */
function resampleAll(samples: Float32Array, from: number, to: number): Float32Array {
  const resampler = new Resampler(from, to, 1);
  return concat([resampler.process(samples), resampler.flush()]);
}

function toMono(samples: Float32Array, channels: number): Float32Array {
  if (channels <= 1) return samples;
  const mono = new Float32Array(Math.floor(samples.length / channels));
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c];
    mono[i] = sum / channels;
  }
  return mono;
}
