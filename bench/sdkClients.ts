/*
 * The official SDKs as bench clients, used as their docs show and doing what the raw client does
 * (the same session.update, the same audio and texts, audio dropped while `bufferedAmount` is at the
 * raw client's mark), so each costs what an app built on it pays:
 *
 * - openai-node (`openai`): `OpenAIRealtimeWS` over `ws`; it parses every event with `JSON.parse`
 *   and emits it by its `type`, no validation. It always builds a `wss:` URL; the bench speaks plain
 *   TCP to it through ws's documented `createConnection` option, so nobody pays for TLS.
 * - @openai/agents-realtime: the `OpenAIRealtimeWebSocket` transport (the layer under a
 *   `RealtimeSession`); every event is validated with zod, and audio deltas are decoded to an
 *   `ArrayBuffer` before its `audio` event.
 */
import { connect as netConnect } from 'node:net';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { ClientOptions as WsClientOptions } from 'ws';
import {
  DroppingConnection,
  DUMMY_KEY,
  SESSION_UPDATE,
  within,
  type BenchClient,
  type BenchConnection,
} from './clients.js';
import type { Endpoint } from './serverHandle.js';

const MODEL = 'gpt-realtime';

/** The bench server's host and port, from the WebSocket URL every endpoint has. */
function hostAndPort(endpoint: Endpoint): { host: string; port: number } {
  const url = new URL(endpoint.wsUrl);
  return { host: url.hostname, port: Number(url.port) };
}

/** An audio frame as both SDKs' apps hand it over: base64 of the samples' bytes. */
function base64Of(samples: Int16Array): string {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

class OpenAINodeConnection extends DroppingConnection implements BenchConnection {
  private constructor(private readonly rt: OpenAIRealtimeWS) {
    super();
  }

  static connect(endpoint: Endpoint, timeoutMs: number): Promise<BenchConnection> {
    const { host, port } = hostAndPort(endpoint);
    const client = new OpenAI({ apiKey: DUMMY_KEY, baseURL: `http://${host}:${port}/v1` });
    // The URL says wss://host:port; this connects to the same host and port without TLS.
    const createConnection = () => netConnect({ host, port });
    const options = { createConnection } as unknown as WsClientOptions;
    const rt = new OpenAIRealtimeWS({ model: MODEL, options }, client);
    const conn = new OpenAINodeConnection(rt);
    const started = new Promise<BenchConnection>((resolve, reject) => {
      rt.socket.on('open', () => rt.send(SESSION_UPDATE));
      rt.on('session.updated', () => resolve(conn));
      rt.on('response.output_audio.delta', (event) => {
        if (typeof event.delta === 'string') conn.count();
      });
      rt.on('error', (error) => reject(new Error(`openai-node: ${error.message}`)));
      rt.socket.on('close', (code) => reject(new Error(`openai-node socket closed (${code})`)));
    });
    return within(started, timeoutMs, 'an openai-node session').catch((error: unknown) => {
      rt.socket.terminate();
      throw error;
    });
  }

  sendAudio(samples: Int16Array): void {
    if (!this.admit(this.rt.socket.bufferedAmount)) return;
    this.rt.send({ type: 'input_audio_buffer.append', audio: base64Of(samples) });
  }

  sendText(text: string): void {
    this.rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    this.rt.send({ type: 'response.create' });
  }

  close(): Promise<void> {
    const socket = this.rt.socket;
    if (socket.readyState === socket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.rt.close({ code: 1000, reason: 'bye' });
    return within(closed, 10_000, 'an openai-node socket to close');
  }
}

class AgentsRealtimeConnection extends DroppingConnection implements BenchConnection {
  private constructor(private readonly transport: OpenAIRealtimeWebSocket) {
    super();
  }

  static connect(endpoint: Endpoint, timeoutMs: number): Promise<BenchConnection> {
    const transport = new OpenAIRealtimeWebSocket({ url: endpoint.wsUrl });
    const conn = new AgentsRealtimeConnection(transport);
    const started = new Promise<BenchConnection>((resolve, reject) => {
      transport.on('*', (event: { type?: unknown }) => {
        if (event.type === 'session.updated') resolve(conn);
      });
      transport.on('audio', () => conn.count());
      transport.on('error', (event) => reject(new Error(`agents-realtime: ${describe(event.error)}`)));
      transport.on('connection_change', (status) => {
        if (status === 'disconnected') reject(new Error('agents-realtime: disconnected'));
      });
      transport
        .connect({
          apiKey: DUMMY_KEY,
          model: MODEL,
          url: endpoint.wsUrl,
          initialSessionConfig: {
            outputModalities: ['audio'],
            audio: {
              input: { format: { type: 'audio/pcm', rate: 24_000 }, turnDetection: { type: 'server_vad' } },
              output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin' },
            },
          },
        })
        .catch(reject);
    });
    return within(started, timeoutMs, 'an agents-realtime session').catch((error: unknown) => {
      transport.close();
      throw error;
    });
  }

  private socket(): { bufferedAmount: number } | undefined {
    const state = this.transport.connectionState as { websocket?: { bufferedAmount: number } };
    return state.websocket;
  }

  sendAudio(samples: Int16Array): void {
    if (!this.admit(this.socket()?.bufferedAmount ?? 0)) return;
    const { buffer, byteOffset, byteLength } = samples;
    // Its sendAudio takes an ArrayBuffer of the samples and encodes it itself.
    this.transport.sendAudio(
      byteOffset === 0 && byteLength === buffer.byteLength
        ? (buffer as ArrayBuffer)
        : (buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer),
    );
  }

  sendText(text: string): void {
    this.transport.sendMessage(text, {});
  }

  close(): Promise<void> {
    if (this.transport.status === 'disconnected') return Promise.resolve();
    const closed = new Promise<void>((resolve) =>
      this.transport.on('connection_change', (status) => {
        if (status === 'disconnected') resolve();
      }),
    );
    this.transport.close();
    return within(closed, 10_000, 'an agents-realtime socket to close');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}

export const openaiNode: BenchClient = {
  name: 'openai-node',
  connect: (endpoint, timeoutMs) => OpenAINodeConnection.connect(endpoint, timeoutMs),
};

export const agentsRealtime: BenchClient = {
  name: 'agents-realtime',
  connect: (endpoint, timeoutMs) => AgentsRealtimeConnection.connect(endpoint, timeoutMs),
};
