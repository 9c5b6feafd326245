// The dev server under abuse: one client that never reads, sends a 64 MB frame or a huge sample rate
// costs the server little memory, and a well-behaved client keeps its service meanwhile (each of its
// texts answered within 200 ms). The server runs in a child process, so that its memory is its own.
import { connect, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import WebSocket from 'ws';
import { AudioIntake } from '../../src/server/audioIntake';
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { MAX_BUFFERED_INPUT_MS } from '../../src/server/limits';
import { SendBuffer } from '../../src/server/sendBuffer';
import {
  bigFrame,
  neverReads,
  oddRate,
  startServerProcess,
  stopServerProcesses,
  wellBehaved,
  type Attack,
  type ServerProcess,
  type WellBehaved,
} from './abuse/attacks';
import { closeAllClients, rawClient, sleep, toBase64 } from './rawClient';

jest.setTimeout(30_000);

const MB = 1024 * 1024;
/** The most a well-behaved client may wait for the answer to a text while another client attacks. */
const WORST_WAIT_MS = 200;

let server: DevServer | undefined;
afterEach(async () => {
  await closeAllClients();
  await server?.close();
  server = undefined;
  await stopServerProcesses();
});

/**
 * Runs `attack` against a dev server in a child process while a well-behaved client talks to it:
 * the server's RSS growth (after a full GC) while the attacker is still connected, and the worst
 * wait of the well-behaved client.
 */
async function underAttack<A extends Attack>(
  dialect: 'openai' | 'codex',
  attack: (url: string) => Promise<A>,
): Promise<{ growthMb: number; client: WellBehaved; attacker: A; process: ServerProcess }> {
  const process = await startServerProcess({ dialect });
  const client = await wellBehaved(process.url, dialect);
  await sleep(300);
  const before = await process.rss();
  const attacker = await attack(process.url);
  await sleep(200);
  const after = await process.rss();
  await client.stop();
  attacker.end();
  return { growthMb: (after - before) / MB, client, attacker, process };
}

describe('the dev server under abuse (server in a child process)', () => {
  it('a client that never reads: the server stops reading it, its memory stays bounded, others keep their service', async () => {
    // Unbounded, the server took 100 MB in 2.5 s and held +330 MB of replies for it.
    const { growthMb, client, attacker } = await underAttack('openai', (url) =>
      neverReads(url, 100 * MB, 2000),
    );
    expect(attacker.sentBytes).toBeLessThan(32 * MB); // what the kernels' buffers take, then nothing
    expect(growthMb).toBeLessThan(40);
    expect(client.answered()).toBeGreaterThan(10);
    expect(client.worstWaitMs()).toBeLessThanOrEqual(WORST_WAIT_MS);
  });

  it('a 64 MB frame: the connection is closed before the frame is read; others keep their service', async () => {
    // Unbounded, the server read it all: +520 MB, everyone else waited 2.8 s.
    const { growthMb, client, attacker } = await underAttack('openai', (url) => bigFrame(url, 64 * MB));
    expect(attacker.dropped).toBe(true);
    expect(attacker.sentBytes).toBeLessThan(64 * MB); // closed before it was all sent
    expect(growthMb).toBeLessThan(16);
    expect(client.worstWaitMs()).toBeLessThanOrEqual(WORST_WAIT_MS);
  });

  it('sample_rate 2 400 000 007: an error to that client, no filter designed; others keep their service', async () => {
    // Unbounded, one 1.4 KB frame designed a 10-million-tap filter: +160 MB, a 2.9 s stall.
    const { growthMb, client, attacker } = await underAttack('codex', async (url) => {
      const attack = await oddRate(url, 2_400_000_007);
      const started = Date.now();
      while (attack.errors().length === 0 && Date.now() - started < 3000) await sleep(10);
      return attack;
    });
    expect(attacker.errors()).toEqual([
      'sample_rate must be an integer from 8000 to 96000 Hz, got 2400000007',
    ]);
    expect(growthMb).toBeLessThan(16);
    expect(client.worstWaitMs()).toBeLessThanOrEqual(WORST_WAIT_MS);
  });
});

describe('the dev server: input audio limits', () => {
  const audio = (sampleRate: number, numChannels = 1) => ({
    type: 'response.input_audio.delta',
    delta: toBase64(new Int16Array(160 * numChannels)),
    sample_rate: sampleRate,
    num_channels: numChannels,
    samples_per_channel: 160,
  });

  it('refuses rates outside 8-96 kHz, channel counts outside 1-8, and a 9th distinct rate, each with an error', async () => {
    server = await startDevServer({ dialect: 'codex' });
    const client = await rawClient(`${server.url}/ws`);
    const sent = [
      audio(7999),
      audio(96_001),
      audio(16_000.5),
      audio(24_000, 0),
      audio(24_000, 9),
      audio(8000),
      audio(96_000),
      ...[11_025, 16_000, 22_050, 32_000, 44_100, 48_000].map((rate) => audio(rate)),
      audio(24_000), // the output rate: nothing to resample, not counted
      audio(8000), // used before: fine
      audio(88_200), // the 9th
    ];
    for (const message of sent) client.send(message);
    client.send({ type: 'conversation.item.create', item: { content: [{ text: 'done' }] } });
    await client.next('conversation.item.added');
    expect(client.ofType('error').map((e) => e.message as string)).toEqual([
      'sample_rate must be an integer from 8000 to 96000 Hz, got 7999',
      'sample_rate must be an integer from 8000 to 96000 Hz, got 96001',
      'sample_rate must be an integer from 8000 to 96000 Hz, got 16000.5',
      'num_channels must be an integer from 1 to 8, got 0',
      'num_channels must be an integer from 1 to 8, got 9',
      "sample_rate 88200 would be this connection's 9th input rate; at most 8 are accepted",
    ]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('the dev server: buffered input audio', () => {
  const loud = (ms: number, rate = 24_000) => new Float32Array((rate * ms) / 1000).fill(0.3);

  it('a manual turn never committed keeps its latest MAX_BUFFERED_INPUT_MS', () => {
    const intake = new AudioIntake(24_000, null);
    for (let s = 0; s < 70; s++) intake.push(loud(1000), 24_000);
    expect(intake.bufferedMs).toBe(MAX_BUFFERED_INPUT_MS);
    intake.push(loud(500), 24_000);
    expect(intake.bufferedMs).toBe(MAX_BUFFERED_INPUT_MS);
    expect(intake.take().length).toBe((24_000 * MAX_BUFFERED_INPUT_MS) / 1000);
  });

  it('an utterance that never ends keeps its end: the echo is its latest MAX_BUFFERED_INPUT_MS', () => {
    const intake = new AudioIntake(24_000, { silenceMs: 100 });
    for (let s = 0; s < 62; s++) intake.push(loud(1000, 48_000), 48_000); // resampled to 24 kHz
    expect(intake.bufferedMs).toBeLessThanOrEqual(MAX_BUFFERED_INPUT_MS);
    expect(intake.bufferedMs).toBeGreaterThan(MAX_BUFFERED_INPUT_MS - 100);
    const heard = intake.push(new Float32Array(4800 * 2), 48_000); // 100 ms of silence at 48 kHz
    expect(heard.event).toBe('speech-end');
    expect(heard.event === 'speech-end' && heard.speech.length).toBeLessThanOrEqual(
      (24_000 * MAX_BUFFERED_INPUT_MS) / 1000,
    );
  });
});

describe('the dev server: frames and handshakes', () => {
  it('maxFrameBytes: a bigger frame closes with 1009 (default 1 MiB), a frame within it is answered', async () => {
    server = await startDevServer();
    const text = (bytes: number) =>
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(bytes) }] },
      });
    const within = await rawClient(server.url);
    within.sendRaw(text(MB - 200));
    await within.next('conversation.item.added');
    const over = await rawClient(server.url);
    over.sendRaw(text(MB));
    expect(await over.closed).toBe(1009);

    await server.close();
    server = await startDevServer({ maxFrameBytes: 4 * MB });
    const bigger = await rawClient(server.url);
    bigger.sendRaw(text(2 * MB));
    await bigger.next('conversation.item.added');
  });

  /** A raw TCP connection to the server; `closed` resolves with the ms it stayed open. */
  function tcp(url: string): { socket: Socket; closed: Promise<number> } {
    const { hostname, port } = new URL(url);
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.resume(); // reads what the server says (a 408), else the socket would not see the end
    return {
      socket,
      closed: new Promise((resolve) => socket.on('close', () => resolve(Date.now() - started))),
    };
  }

  it('handshakeTimeoutMs: a connection that sends nothing, or its headers too slowly, is dropped; an open WebSocket is not', async () => {
    server = await startDevServer({ handshakeTimeoutMs: 400 });
    const silent = tcp(server.url);
    const slow = tcp(server.url);
    slow.socket.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n`);
    const drip = setInterval(() => slow.socket.write('X-Drip: 1\r\n'), 100);
    const open = await rawClient(server.url);
    try {
      expect(await silent.closed).toBeGreaterThanOrEqual(350);
      expect(await silent.closed).toBeLessThan(2000);
      expect(await slow.closed).toBeGreaterThanOrEqual(350);
      expect(await slow.closed).toBeLessThan(2000);
    } finally {
      clearInterval(drip);
    }
    await sleep(400); // past the timeout twice over: the upgraded socket has none
    open.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'still here' }] },
    });
    await open.next('conversation.item.added');
  });
});

describe('the dev server: reply back-pressure', () => {
  it('a client that stops reading stops being read; once it reads again every reply arrives, in order', async () => {
    server = await startDevServer({ dialect: 'codex', maxSendBufferBytes: 256 * 1024 });
    const client = await rawClient(`${server.url}/ws`);
    client.socket.pause();
    const texts = 600;
    const big = 'y'.repeat(60_000);
    for (let i = 1; i <= texts; i++)
      client.send({ type: 'conversation.item.create', item: { content: [{ text: `${i}:${big}` }] } });
    await sleep(1000);
    // 36 MB of texts, each answered with as much: the kernels' buffers take some, then the server
    // stops reading.
    const read = server.connections()[0].textsIn;
    expect(read).toBeLessThan(texts);
    await sleep(300);
    expect(server.connections()[0].textsIn).toBe(read); // still not reading
    client.socket.resume();
    await client.next(() => client.ofType('conversation.item.added').length === texts, 20_000);
    const order = client
      .ofType('conversation.item.added')
      .map((e) =>
        Number(/^You said: "(\d+):/.exec((e.item as { content: { text: string }[] }).content[0].text)![1]),
      );
    expect(order).toEqual(Array.from({ length: texts }, (_, i) => i + 1));
  });

  it('SendBuffer: a client still over the bound after stallMs is dropped', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const accepted = new Promise<ServerSocket>((resolve) => wss.once('connection', resolve));
    await new Promise((resolve) => wss.once('listening', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    client.on('error', () => undefined);
    try {
      await new Promise((resolve) => client.once('open', resolve));
      client.pause();
      const socket = await accepted;
      const seen: string[] = [];
      const out = new SendBuffer(socket, 64 * 1024, 300, {
        congested: (on) => seen.push(on ? 'congested' : 'drained'),
        stalled: () => {
          seen.push('stalled');
          socket.terminate();
        },
      });
      const frame = 'z'.repeat(64 * 1024);
      const started = Date.now();
      while (!seen.includes('stalled') && Date.now() - started < 10_000) {
        out.send(frame);
        await sleep(5);
      }
      expect(seen).toEqual(['congested', 'stalled']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      client.terminate();
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
