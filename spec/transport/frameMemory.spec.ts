import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { nodeWebSocketFactory } from '../../src/index';

/** What nodeWebSocketFactory's sockets add for WebSocketSubject: framing now, writing later. */
interface FramingSocket {
  frameText(data: string, head?: string, tail?: string): Buffer | undefined;
  sendFrame(frame: Uint8Array): void;
  cork(): void;
  uncork(): void;
  close(): void;
  onopen: (() => void) | null;
  _socket: Socket;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const HEAD = '{"type":"input_audio_buffer.append","audio":"';
const TAIL = '"}';

/** The data of audio frame `i`: every frame different, all the same size (as 20 ms frames are). */
const audio = (i: number) => String(i).padStart(8, '0') + String.fromCharCode(65 + (i % 26)).repeat(1272);

describe("nodeWebSocketFactory: a socket's frames of one size reuse its own memory", () => {
  let server: WebSocketServer;
  let received: string[];
  let peer: WebSocket | undefined;
  let socket: FramingSocket;

  beforeEach(async () => {
    received = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (ws) => {
      peer = ws;
      ws.on('message', (data: Buffer) => received.push(data.toString()));
    });
    const port = (server.address() as { port: number }).port;
    socket = nodeWebSocketFactory()(
      `ws://127.0.0.1:${port}`,
      undefined,
      undefined,
    ) as unknown as FramingSocket;
    await new Promise<void>((resolve) => (socket.onopen = resolve));
    while (peer === undefined) await nextTurn();
  });

  afterEach(async () => {
    socket.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
    peer = undefined;
  });

  const waitForAll = async (count: number) => {
    for (let i = 0; i < 500 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('after the first frame, the next ones of its size are made in one buffer, each intact and in order', async () => {
    const frames = new Set<Buffer>();
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const frame = socket.frameText(audio(i), HEAD, TAIL)!;
      frames.add(frame);
      socket.sendFrame(frame);
      sent.push(HEAD + audio(i) + TAIL);
      await nextTurn(); // another job: the last frame has reached the kernel
    }
    await waitForAll(sent.length);
    expect(received).toEqual(sent);
    expect(frames.size).toBe(2); // the first from Node's pool, then the socket's own memory
  });

  it('a text of another size between them is cut from the pool and leaves the memory to the audio', async () => {
    const frames: Buffer[] = [];
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const frame = socket.frameText(audio(i), HEAD, TAIL)!;
      frames.push(frame);
      socket.sendFrame(frame);
      sent.push(HEAD + audio(i) + TAIL);
      const text = JSON.stringify({ type: 'conversation.item.create', n: i, text: 'x'.repeat(200 + i) });
      socket.sendFrame(socket.frameText(text)!);
      sent.push(text);
      await nextTurn();
    }
    await waitForAll(sent.length);
    expect(received).toEqual(sent);
    expect(new Set(frames.slice(1)).size).toBe(1);
  });

  it('a frame still in the TCP socket is not overwritten: while the peer does not read, new frames come from the pool', async () => {
    peer!.pause(); // the kernel's buffers fill, and the client's writes start to wait in Node
    const sent: string[] = [];
    let waited = 0;
    for (let i = 0; i < 8000 && waited < 200; i++) {
      socket.cork();
      const frame = socket.frameText(audio(i), HEAD, TAIL)!;
      socket.sendFrame(frame);
      socket.uncork();
      sent.push(HEAD + audio(i) + TAIL);
      if (socket._socket.writableLength > 0) waited++;
      await nextTurn();
    }
    expect(waited).toBeGreaterThan(0); // some frames did wait in Node (the case under test)
    peer!.resume();
    await waitForAll(sent.length);
    expect(received.length).toBe(sent.length);
    expect(received).toEqual(sent); // every frame intact: none overwritten while waiting
  }, 30_000);
});
