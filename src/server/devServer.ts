import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { base64ToPcm16, pcm16ToBase64 } from '../audio/base64.js';
import { floatToPcm16, pcm16ToFloat } from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import type { DialectName } from '../protocol/dialect.js';
import { codexServerDialect, type ServerDialect } from './serverDialect.js';
import { EnergyVad, type VadOptions } from './vad.js';

export interface DevServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Wire protocol; default 'codex'. */
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
  /** Receives one line per connection when it ends. */
  log?: (line: string) => void;
}

/** What the server saw on one connection. */
export interface DevConnectionStats {
  id: number;
  path: string;
  sessionId: string | undefined;
  audioFramesIn: number;
  audioMsIn: number;
  textsIn: number;
  replies: number;
  replyFramesOut: number;
  replyMsOut: number;
  /** The close code, once closed (1006 when dropped). */
  closeCode: number | undefined;
}

export interface DevServer {
  /** `ws://host:port`; dialects add their own path. */
  readonly url: string;
  /** One entry per connection so far. */
  connections(): readonly DevConnectionStats[];
  close(): Promise<void>;
}

const REPLY_FRAME_MS = 20;
const serverDialects: Partial<Record<DialectName, ServerDialect>> = { codex: codexServerDialect };

/**
 * An honest local stand-in for a realtime server, for demos and resilience tests — not an AI. It
 * answers the session message, echoes each utterance it hears (speech followed by ~500 ms of
 * silence, found by an energy VAD) back as output audio paced at real time, quotes texts back as
 * assistant items, and can misbehave on purpose (latency, drops, errors, stalled reads).
 *
 * @example
 * ```ts
 * const server = await startDevServer({ log: console.log });
 * const conversation = connectConversation({ url: server.url });
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const dialect = serverDialects[options.dialect ?? 'codex'];
  if (dialect === undefined) throw new Error(`the dev server does not speak the ${options.dialect} dialect yet`);
  const http = createServer((_request, response) => response.writeHead(426).end('realtime-rx dev server: connect with a WebSocket\n'));
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const stats: DevConnectionStats[] = [];
  const live = new Set<DevConnection>();
  wss.on('connection', (socket, request) => {
    const connection = new DevConnection(socket, request, stats.length + 1, dialect, options);
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

class DevConnection {
  readonly stats: DevConnectionStats;
  private readonly vad: EnergyVad;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly outputRate: number;
  private utterance: Float32Array[] = [];
  private resampler: { from: number; resampler: Resampler } | undefined;
  private replying: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
    id: number,
    private readonly dialect: ServerDialect,
    private readonly options: DevServerOptions,
  ) {
    this.stats = { id, path: request.url ?? '/', sessionId: undefined, audioFramesIn: 0, audioMsIn: 0, textsIn: 0, replies: 0, replyFramesOut: 0, replyMsOut: 0, closeCode: undefined };
    this.vad = new EnergyVad(options.vad);
    this.outputRate = options.outputSampleRate ?? 24_000;
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('error', () => undefined); // the close that follows tells the story
    socket.on('close', (code) => {
      this.stats.closeCode = code;
      this.stop();
      options.log?.(this.summary());
    });
    if (options.dropAfterMs !== undefined) this.after(options.dropAfterMs, () => socket.terminate());
    if (options.errorAfterMs !== undefined) {
      this.after(options.errorAfterMs, () => this.send(dialect.error(`dev server: error injected after ${options.errorAfterMs} ms`)));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.send(this.dialect.error('binary frames are not part of the protocol'));
    let message;
    try {
      message = this.dialect.parse(data.toString());
    } catch (error) {
      return this.send(this.dialect.error(`could not parse client message: ${(error as Error).message}`));
    }
    switch (message.kind) {
      case 'session':
        this.stats.sessionId = `sess_dev_${this.stats.id}`;
        for (const frame of this.dialect.session(this.stats.sessionId, message.prompt)) this.send(frame);
        this.stallIfAsked();
        return;
      case 'text':
        this.stats.textsIn++;
        for (const frame of this.dialect.textReply(message.text, `item_text_${this.stats.textsIn}`)) this.send(frame);
        return;
      case 'audio':
        return this.onAudio(message.data, message.sampleRate, message.numChannels);
      case 'other':
        return;
    }
  }

  private onAudio(data: string, sampleRate: number, numChannels: number): void {
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(data);
    } catch (error) {
      return this.send(this.dialect.error((error as Error).message));
    }
    const mono = toMono(pcm16ToFloat(pcm), numChannels);
    const ms = (mono.length / sampleRate) * 1000;
    this.stats.audioFramesIn++;
    this.stats.audioMsIn += ms;
    const event = this.vad.push(mono, ms);
    // Resample every chunk (one stream, so chunk edges stay seamless), keep only what may be speech.
    const resampled = this.resampleStream(mono, sampleRate);
    if (this.vad.collecting || event === 'speech-end') this.utterance.push(resampled);
    else this.utterance = [];
    if (event === 'speech-end') {
      const speech = trimEnd(concat(this.utterance), Math.round(((this.options.vad?.silenceMs ?? 500) * this.outputRate) / 1000));
      this.utterance = [];
      this.replying = this.replying.then(() => this.reply(speech));
    }
  }

  private resampleStream(samples: Float32Array, from: number): Float32Array {
    if (from === this.outputRate) return samples;
    if (this.resampler?.from !== from) this.resampler = { from, resampler: new Resampler(from, this.outputRate, 1) };
    return this.resampler.resampler.process(samples);
  }

  /** Sends `speech` back in 20 ms frames, paced at real time. */
  private reply(speech: Float32Array): Promise<void> {
    if (this.stopped || speech.length === 0) return Promise.resolve();
    const replyId = `item_reply_${++this.stats.replies}`;
    const pcm = floatToPcm16(speech);
    const frameSamples = (this.outputRate * REPLY_FRAME_MS) / 1000;
    const frames = Math.ceil(pcm.length / frameSamples);
    for (const frame of this.dialect.replyStart(replyId)) this.send(frame);
    const started = Date.now();
    let sent = 0;
    return new Promise<void>((resolve) => {
      const tick = () => {
        if (this.stopped) return resolve();
        const due = Math.min(frames, Math.floor((Date.now() - started) / REPLY_FRAME_MS) + 1);
        for (; sent < due; sent++) {
          const chunk = pcm.subarray(sent * frameSamples, (sent + 1) * frameSamples);
          this.send(this.dialect.audioDelta(pcm16ToBase64(chunk), this.outputRate, chunk.length, replyId));
          this.stats.replyFramesOut++;
          this.stats.replyMsOut += (chunk.length / this.outputRate) * 1000;
        }
        if (sent < frames) return this.after(REPLY_FRAME_MS, tick);
        for (const frame of this.dialect.replyEnd(replyId)) this.send(frame);
        resolve();
      };
      tick();
    });
  }

  private stallIfAsked(): void {
    const stall = this.options.stallReads;
    if (stall === undefined || stall === false) return;
    this.socket.pause();
    if (typeof stall === 'number') this.after(stall, () => this.socket.resume());
  }

  private send(frame: string): void {
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) this.after(latency, () => this.sendNow(frame));
    else this.sendNow(frame);
  }

  private sendNow(frame: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  private after(ms: number, action: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
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

function toMono(samples: Float32Array, channels: number): Float32Array {
  if (channels <= 1) return samples;
  const mono = new Float32Array(Math.floor(samples.length / channels));
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c]!;
    mono[i] = sum / channels;
  }
  return mono;
}

function concat(chunks: readonly Float32Array[]): Float32Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Float32Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function trimEnd(samples: Float32Array, count: number): Float32Array {
  return samples.subarray(0, Math.max(0, samples.length - count));
}
