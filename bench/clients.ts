/*
 * The clients the bench compares, behind one small interface: realtime-rx with its default
 * options, and a minimal hand-written `ws` client doing what an app would (base64 from an
 * Int16Array, JSON.stringify, ws.send; on receive JSON.parse and look at `type`). The official
 * SDKs are in sdkClients.ts.
 */
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import WebSocket, { type RawData } from 'ws';
import type { Observer } from 'rxjs';
import type { Conversation, ConversationOptions, RealtimeEvent } from '../src/index.js';
import { library } from './library.js';
import type { Endpoint } from './serverHandle.js';

export type ClientName = 'realtime-rx' | 'raw ws' | 'openai-node' | 'agents-realtime';

/** Not a key: the dialect allows a key over plain ws:// to a loopback host only, which this is. */
export const DUMMY_KEY = 'bench-dummy-key';
/** The raw client drops audio while this many bytes wait in `bufferedAmount` (realtime-rx's default too). */
const RAW_HIGH_WATER_MARK = 64 * 1024;

export interface BenchConnection {
  /** Hands one frame of 24 kHz mono samples over, the way an app would. */
  sendAudio(samples: Int16Array): void;
  sendText(text: string): void;
  /** Audio deltas received so far. */
  readonly audioOut: number;
  /** Resolves once `audioOut` reaches `target`. */
  whenAudioOut(target: number): Promise<void>;
  /** Frames written to the socket and frames dropped by the client. */
  audioStats(): { sent: number; dropped: number };
  close(): Promise<void>;
}

export interface BenchClient {
  readonly name: ClientName;
  connect(endpoint: Endpoint, timeoutMs: number): Promise<BenchConnection>;
}

/** `promise`, or a rejection after `ms`; the timer never outlives the race. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Counts audio deltas and resolves a waiter at a target: the same few instructions for both clients. */
class AudioCounter {
  audioOut = 0;
  private target = Infinity;
  private reached: (() => void) | undefined;

  count(): void {
    if (++this.audioOut >= this.target) {
      this.target = Infinity;
      this.reached?.();
    }
  }

  whenAudioOut(target: number): Promise<void> {
    if (this.audioOut >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.target = target;
      this.reached = resolve;
    });
  }
}

/**
 * A client that holds audio back as an app can, by the socket's own buffer: a frame is dropped while
 * `bufferedAmount` is at RAW_HIGH_WATER_MARK (raw ws and the SDKs; realtime-rx counts its own).
 */
export abstract class DroppingConnection extends AudioCounter {
  private sent = 0;
  private dropped = 0;

  /** Whether a frame may be sent now; counts it as sent or dropped. */
  protected admit(bufferedAmount: number): boolean {
    if (bufferedAmount >= RAW_HIGH_WATER_MARK) {
      this.dropped++;
      return false;
    }
    this.sent++;
    return true;
  }

  audioStats(): { sent: number; dropped: number } {
    return { sent: this.sent, dropped: this.dropped };
  }
}

/**
 * realtime-rx through its public API. The connection is its own observer of `events$` (methods, no
 * closures): the bench loads this file through tsx, whose `keepNames` gives every closure made here a
 * property array of its own (about 250 B each), which an app's build would not have.
 */
class RxConnection extends AudioCounter implements BenchConnection, Observer<RealtimeEvent> {
  private readonly pcm16ToBase64 = library().pcm16ToBase64;
  /** The session's start, awaited by `connect`. */
  private starting: { resolve(conn: RxConnection): void; reject(error: Error): void } | undefined;
  private ended = false;
  private whenEnded: (() => void) | undefined;

  private constructor(private readonly conversation: Conversation) {
    super();
  }

  static connect(
    url: string,
    timeoutMs: number,
    options: Partial<ConversationOptions>,
  ): Promise<BenchConnection> {
    const conversation = library().connectConversation({ ...options, url, apiKey: DUMMY_KEY });
    const conn = new RxConnection(conversation);
    const started = new Promise<BenchConnection>((resolve, reject) => (conn.starting = { resolve, reject }));
    conversation.events$.subscribe(conn);
    return within(started, timeoutMs, 'a realtime-rx session').catch((error: unknown) => {
      conversation.close();
      throw error;
    });
  }

  next(event: RealtimeEvent): void {
    if (event.type === 'audio.out') this.count();
    else if (event.type === 'session.updated') {
      this.starting?.resolve(this);
      this.starting = undefined;
    } else if (event.type === 'closed') {
      this.starting?.reject(
        new Error(`realtime-rx conversation closed: ${event.reason} ${event.detail ?? ''}`),
      );
      this.starting = undefined;
    }
  }

  error(): void {}

  complete(): void {
    this.ended = true;
    this.whenEnded?.();
  }

  sendAudio(samples: Int16Array): void {
    this.conversation.audio.next({
      data: this.pcm16ToBase64(samples),
      sampleRate: 24_000,
      numChannels: 1,
      samplesPerChannel: samples.length,
    });
  }

  sendText(text: string): void {
    this.conversation.text.next(text);
  }

  audioStats(): { sent: number; dropped: number } {
    let sent = 0;
    let dropped = 0;
    // stats$ emits a snapshot synchronously on subscription.
    this.conversation.stats$
      .subscribe((stats) => {
        sent = stats.audioSent;
        dropped = stats.audioDropped;
      })
      .unsubscribe();
    return { sent, dropped };
  }

  close(): Promise<void> {
    const ended = this.ended ? Promise.resolve() : new Promise<void>((resolve) => (this.whenEnded = resolve));
    this.conversation.close();
    return within(ended, 10_000, 'a realtime-rx conversation to close');
  }
}

/** The session.update an app would send, the same shape realtime-rx sends by default (typed as openai-node has it). */
export const SESSION_UPDATE: SessionUpdateEvent = {
  type: 'session.update',
  session: {
    type: 'realtime',
    output_modalities: ['audio'],
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24_000 }, turn_detection: { type: 'server_vad' } },
      output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin' },
    },
  },
};
const RAW_SESSION_UPDATE = JSON.stringify(SESSION_UPDATE);

class RawConnection extends DroppingConnection implements BenchConnection {
  private constructor(private readonly ws: WebSocket) {
    super();
  }

  static connect(url: string, timeoutMs: number): Promise<BenchConnection> {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      headers: { Authorization: `Bearer ${DUMMY_KEY}` },
    });
    const conn = new RawConnection(ws);
    const started = new Promise<BenchConnection>((resolve, reject) => {
      ws.on('open', () => ws.send(RAW_SESSION_UPDATE));
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) return;
        const message = JSON.parse((data as Buffer).toString()) as { type?: unknown; delta?: unknown };
        if (message.type === 'response.output_audio.delta') {
          if (typeof message.delta === 'string') conn.count();
        } else if (message.type === 'session.updated') resolve(conn);
      });
      ws.on('error', (error) => reject(error));
      ws.on('close', (code) => reject(new Error(`raw socket closed (${code})`)));
    });
    return within(started, timeoutMs, 'a raw ws session').catch((error: unknown) => {
      ws.terminate();
      throw error;
    });
  }

  sendAudio(samples: Int16Array): void {
    if (!this.admit(this.ws.bufferedAmount)) return;
    const audio = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    this.ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
  }

  sendText(text: string): void {
    this.ws.send(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      }),
    );
    this.ws.send('{"type":"response.create"}');
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1000);
    return within(closed, 10_000, 'a raw socket to close');
  }
}

/** realtime-rx with its default options. */
export const realtimeRx: BenchClient = realtimeRxWith({});

/** realtime-rx with some options changed: for experiments only (`--rx-options`), never the reported default. */
export function realtimeRxWith(options: Partial<ConversationOptions>): BenchClient {
  return {
    name: 'realtime-rx',
    connect: (endpoint, timeoutMs) => RxConnection.connect(endpoint.baseUrl, timeoutMs, options),
  };
}

export const rawWs: BenchClient = {
  name: 'raw ws',
  connect: (endpoint, timeoutMs) => RawConnection.connect(endpoint.wsUrl, timeoutMs),
};

/** Opens `count` connections, `parallel` handshakes at a time (a storm of thousands would time out). */
export async function connectMany(
  client: BenchClient,
  endpoint: Endpoint,
  count: number,
  timeoutMs: number,
  parallel = 64,
): Promise<BenchConnection[]> {
  const connections: BenchConnection[] = [];
  try {
    for (let i = 0; i < count; i += parallel) {
      const batch = Math.min(parallel, count - i);
      const opened = await Promise.allSettled(
        Array.from({ length: batch }, () => client.connect(endpoint, timeoutMs)),
      );
      for (const result of opened) if (result.status === 'fulfilled') connections.push(result.value);
      const failed = opened.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
  } catch (error) {
    await closeAll(connections);
    throw error;
  }
  return connections;
}

export async function closeAll(connections: readonly BenchConnection[]): Promise<void> {
  await Promise.allSettled(connections.map((conn) => conn.close()));
}
