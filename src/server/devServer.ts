import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { base64ToPcm16, pcm16ToBase64 } from '../audio/base64.js';
import { floatToPcm16, pcm16ToFloat } from '../audio/pcm.js';
import type { DialectName } from '../protocol/dialect.js';
import { Resampler } from '../audio/resample.js';
import { AudioIntake, concat, type Heard } from './audioIntake.js';
import { ClientSecrets } from './clientSecrets.js';
import { dialectOfRequest } from './codexCli/route.js';
import { codexServerDialect } from './codexServer.js';
import {
  audioInputProblem,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_SEND_BUFFER_BYTES,
  MAX_CONNECTION_STATS,
  READ_TURN_BYTES,
  SEND_STALL_DROP_MS,
} from './limits.js';
import { openaiServerDialect } from './openaiServer.js';
import type {
  ConnectionHost,
  DevConnectionStats,
  DialectConnection,
  Playback,
  ServerDialect,
} from './serverDialect.js';
import { SendBuffer } from './sendBuffer.js';
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
  /**
   * Largest inbound frame, in bytes: a bigger one closes that connection with 1009 before it is read.
   * Default 1 MiB (1 048 576); 0: no limit.
   */
  maxFrameBytes?: number;
  /**
   * How long a connection may take to complete its WebSocket handshake (or to send a whole HTTP
   * request), in ms; slower ones are dropped. Default 10 000; 0: Node's own (60 s for the headers).
   */
  handshakeTimeoutMs?: number;
  /**
   * Replies a client has not read yet, in bytes, above which the server stops reading that client (so
   * it generates nothing more for it) until they drain to half; a client still over it 10 s later is
   * dropped. Default 1 MiB (1 048 576); 0: no limit.
   */
  maxSendBufferBytes?: number;
  /**
   * Receives one line per connection when it ends, per client secret minted, per handshake refused and
   * per client dropped for not reading.
   */
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
  /** One entry per connection so far (the latest 10 000). */
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
 * stand-in for a realtime server, for demos and resilience tests - not an AI. Node only (in a browser
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
 * conversation.text.next('hello'); // -> an assistant item: You said: "hello"
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
  const handshakeMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const timeouts =
    handshakeMs > 0
      ? {
          headersTimeout: handshakeMs,
          requestTimeout: handshakeMs,
          // How often Node enforces the two above (its default, 30 s, would let them run late).
          connectionsCheckingInterval: Math.min(1000, Math.max(50, handshakeMs / 2)),
        }
      : {};
  const http = createServer(timeouts, (request, response) => {
    if (!ClientSecrets.isMintRequest(request))
      return void response.writeHead(426).end('realtime-rx dev server: connect with a WebSocket\n');
    secrets.answer(request, response).catch(() => response.destroy());
  });
  if (handshakeMs > 0) dropSlowHandshakes(http, handshakeMs);
  const preferred = dialect.subprotocol;
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
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
  let count = 0;
  const live = new Set<DevConnection>();
  wss.on('connection', (socket, request) => {
    const connection = new DevConnection(
      socket,
      request,
      ++count,
      dialectOfRequest(request, dialect),
      options,
    );
    if (stats.push(connection.stats) > MAX_CONNECTION_STATS) stats.shift();
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

/**
 * Drops a connection whose first request (a WebSocket handshake, or a mint request) has not arrived
 * whole `ms` after the TCP accept. Node's own timeouts miss a connection that never sends a byte, and
 * are checked only now and then; they still govern the requests that follow on a kept-alive socket.
 */
function dropSlowHandshakes(http: Server, ms: number): void {
  const pending = new WeakMap<Duplex, NodeJS.Timeout>();
  const arrived = (request: IncomingMessage) => {
    clearTimeout(pending.get(request.socket));
    pending.delete(request.socket);
  };
  http.on('connection', (socket: Socket) => {
    pending.set(
      socket,
      setTimeout(() => socket.destroy(), ms),
    );
    socket.once('close', () => clearTimeout(pending.get(socket)));
  });
  http.on('request', arrived);
  http.on('upgrade', arrived);
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
  private readonly out: SendBuffer;
  private stopped = false;
  /**
   * Reads are paused while the stall switch holds them, the client's unread replies are over the
   * bound, or the connection is yielding its turn.
   */
  private readsStalled = false;
  private congested = false;
  private yielding = false;
  /** Bytes read since this connection last let the others have a turn. */
  private readBytes = 0;

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
    this.out = new SendBuffer(
      socket,
      options.maxSendBufferBytes ?? DEFAULT_MAX_SEND_BUFFER_BYTES,
      SEND_STALL_DROP_MS,
      {
        congested: (on) => {
          this.congested = on;
          this.updateReads();
        },
        stalled: () => {
          options.log?.(
            `[serve] connection ${id} dropped: its unread replies stayed over ${options.maxSendBufferBytes ?? DEFAULT_MAX_SEND_BUFFER_BYTES} bytes for ${SEND_STALL_DROP_MS / 1000} s`,
          );
          socket.terminate();
        },
      },
    );
    // After the send buffer: a dialect may send as it connects.
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
    this.readsStalled = true;
    this.updateReads();
    if (typeof stall === 'number')
      this.after(stall, () => {
        this.readsStalled = false;
        this.updateReads();
      });
  }

  hearAudio(
    base64: string,
    sampleRate: number,
    numChannels: number,
    decode: (base64: string) => Int16Array = base64ToPcm16,
  ): Heard {
    const problem = audioInputProblem(sampleRate, numChannels);
    if (problem !== undefined) throw new Error(problem);
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
    this.readBytes += (data as Buffer).length;
    if (this.readBytes >= READ_TURN_BYTES) this.yieldTurn();
    if (isBinary) this.protocol.receiveBinary();
    // ws's default binaryType is 'nodebuffer': a text message arrives as one Buffer.
    else this.protocol.receive((data as Buffer).toString());
  }

  private sendNow(frame: string): void {
    this.out.send(frame);
  }

  private updateReads(): void {
    if (this.stopped) return;
    if (this.readsStalled || this.congested || this.yielding) this.socket.pause();
    else this.socket.resume();
  }

  /**
   * Stops reading until the event loop has served the other sockets: Node reads up to ~2 MiB of one
   * socket in a row, and handling that much at once would keep every other client waiting.
   */
  private yieldTurn(): void {
    this.readBytes = 0;
    if (this.yielding) return;
    this.yielding = true;
    this.updateReads();
    setImmediate(() => {
      this.yielding = false;
      this.updateReads();
    });
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
