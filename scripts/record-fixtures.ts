/**
 * Records src/testing/recorded.ts: four conversations with the dev server in the default (openai) dialect
 * (a text turn, an audio turn, a server error, a dropped connection), for `realtime-rx/testing`'s fixtures.
 * Run: npx tsx scripts/record-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import type WebSocket from 'ws';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import {
  connectConversation,
  floatToPcm16,
  nodeWebSocketFactory,
  pcm16ToBase64,
  type RealtimeEvent,
  type WebSocketFactory,
} from '../src/index.js';
import type { RecordedConversation } from '../src/testing/fixtures.js';
import type { CorkableSocket } from '../src/transport/corkableSocket.js';
import { startDevServer, type DevServerOptions } from '../src/server/devServer.js';

type Drive = (conversation: ReturnType<typeof connectConversation>, events: RealtimeEvent[]) => Promise<void>;

async function record(
  name: string,
  description: string,
  serverOptions: DevServerOptions,
  drive: Drive,
): Promise<RecordedConversation> {
  const server = await startDevServer(serverOptions);
  const client: unknown[] = [];
  const frames: { atMs: number; data: string }[] = [];
  let end: RecordedConversation['end'];
  let clientClosed = false;
  const factory: WebSocketFactory = (url, protocols, headers) => {
    const socket = nodeWebSocketFactory()(url, protocols, headers);
    const ws = socket as unknown as WebSocket;
    let openedAt = 0;
    ws.on('open', () => (openedAt = Date.now()));
    ws.on('message', (data) =>
      frames.push({ atMs: Date.now() - openedAt, data: (data as Buffer).toString() }),
    );
    ws.on('close', (code, reason) => {
      if (!clientClosed)
        end = { atMs: Date.now() - openedAt, code, reason: reason.toString(), dropped: code === 1006 };
    });
    // Pre-framed writes (frameText + sendFrame) would bypass the send recorded below: send every text.
    (socket as CorkableSocket).frameText = () => undefined;
    const send = socket.send.bind(socket);
    socket.send = (data, done) => (client.push(JSON.parse(data)), send(data, done));
    const close = socket.close.bind(socket);
    socket.close = (code, reason) => ((clientClosed = true), close(code, reason));
    return socket;
  };
  const conversation = connectConversation({
    url: server.url,
    webSocket: factory,
    prompt: 'You are a test.',
  });
  const all = lastValueFrom(conversation.events$.pipe(toArray()));
  const seen: RealtimeEvent[] = [];
  conversation.events$.subscribe((event) => seen.push(event));
  await drive(conversation, seen);
  const events = await all;
  await server.close();
  return { name, description, dialect: 'openai', client, server: frames, ...(end ? { end } : {}), events };
}

const until = (events: RealtimeEvent[], test: (events: RealtimeEvent[]) => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (test(events) ? resolve() : setTimeout(check, 5));
    check();
  });

/** 20 ms frames at 24 kHz: 200 ms of a 220 Hz tone, then 600 ms of silence. */
function utterance() {
  return Array.from({ length: 40 }, (_, f) => {
    const samples = new Float32Array(480);
    if (f < 10)
      for (let i = 0; i < 480; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * (f * 480 + i)) / 24_000);
    return {
      data: pcm16ToBase64(floatToPcm16(samples)),
      sampleRate: 24_000,
      numChannels: 1,
      samplesPerChannel: 480,
    };
  });
}

async function main() {
  // A first conversation, not kept: the recorded times are then the protocol's, not the code's first run.
  await record('warmUp', '', {}, async (c, events) => {
    await until(events, (e) => e.some((x) => x.type === 'session.updated'));
    c.text.next('hello');
    await until(events, (e) => e.some((x) => x.type === 'response.done'));
    c.close();
  });
  const textTurn = await record(
    'textTurn',
    'A text, the response it asks for (the text quoted back), then the client closes.',
    {},
    async (c, events) => {
      await until(events, (e) => e.some((x) => x.type === 'session.updated'));
      c.text.next('hello');
      await until(events, (e) => e.some((x) => x.type === 'response.done'));
      c.close();
    },
  );
  const audioTurn = await record(
    'audioTurn',
    '200 ms of speech and 600 ms of silence; server VAD ends the turn and the speech is echoed back as 20 ms frames paced at real time; the client closes.',
    {},
    async (c, events) => {
      await until(events, (e) => e.some((x) => x.type === 'session.updated'));
      for (const frame of utterance()) c.audio.next(frame);
      await until(events, (e) => e.some((x) => x.type === 'response.done'));
      c.close();
    },
  );
  const serverError = await record(
    'serverError',
    'The server says error 50 ms after the socket opened: error, then closed{reason:error}.',
    { errorAfterMs: 50 },
    async (c) => {
      await firstValueFrom(c.state$.pipe(filter((s) => s === 'closed')));
    },
  );
  const dropped1006 = await record(
    'dropped1006',
    'The server drops the connection (no close frame) 50 ms after it opened: closed 1006.',
    { dropAfterMs: 50 },
    async (c) => {
      await firstValueFrom(c.state$.pipe(filter((s) => s === 'closed')));
    },
  );
  const fixtures = { textTurn, audioTurn, serverError, dropped1006 };
  const source =
    '// Generated by scripts/record-fixtures.ts from conversations with the dev server; do not edit.\n' +
    "import type { RecordedConversation } from './fixtures.js';\n\n" +
    '/**\n * Recorded conversations: replay one with `playFixture(fixtures.textTurn)`.\n *\n * @example\n * ```ts\n * const sockets = createTestSocket({ server: playFixture(fixtures.serverError) });\n * ```\n */\n' +
    `export const fixtures: Record<${Object.keys(fixtures)
      .map((k) => `'${k}'`)
      .join(' | ')}, RecordedConversation> = ${JSON.stringify(fixtures, null, 2)};\n`;
  writeFileSync(new URL('../src/testing/recorded.ts', import.meta.url), source);
  for (const [name, f] of Object.entries(fixtures))
    console.log(
      `${name}: ${f.server.length} server frames, ${f.events.length} events, ends ${JSON.stringify(f.events.at(-1))}`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
