// A raw `ws` client for the dev-server specs: what the server sends, frame by frame, with arrival times.
import WebSocket from 'ws';

export interface RawClient {
  readonly socket: WebSocket;
  /** Every text frame so far, parsed, with `at` (ms since the client was created) added. */
  readonly frames: Array<Record<string, any>>;
  /** Frames of this type, in order. */
  ofType(type: string): Array<Record<string, any>>;
  /** The `type`s of all frames so far, in order. */
  types(): string[];
  send(message: unknown): void;
  sendRaw(data: string | Buffer): void;
  /** Resolves with the first frame (after `from`) that matches, or rejects after `ms`. */
  next(
    match: string | ((frame: Record<string, any>) => boolean),
    ms?: number,
    from?: number,
  ): Promise<Record<string, any>>;
  /** Resolves once the socket is closed (closing it if it is not). */
  close(): Promise<void>;
  /** Resolves with the close code once the server closes or drops the socket. */
  readonly closed: Promise<number>;
}

const open = new Set<RawClient>();

export async function rawClient(
  url: string,
  protocols?: string[],
  headers?: Record<string, string>,
): Promise<RawClient> {
  const socket = new WebSocket(url, protocols, { perMessageDeflate: false, ...(headers ? { headers } : {}) });
  const created = Date.now();
  const frames: Array<Record<string, any>> = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) frames.push({ type: '(binary)', at: Date.now() - created });
    else {
      const frame = JSON.parse((data as Buffer).toString()) as Record<string, any>;
      Object.defineProperty(frame, 'at', { value: Date.now() - created, enumerable: false });
      frames.push(frame);
    }
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const client: RawClient = {
    socket,
    frames,
    closed,
    ofType: (type) => frames.filter((f) => f.type === type),
    types: () => frames.map((f) => String(f.type)),
    send: (message) => socket.send(JSON.stringify(message)),
    sendRaw: (data) => socket.send(data),
    next: (match, ms = 3000, from = 0) =>
      new Promise((resolve, reject) => {
        const test = typeof match === 'string' ? (f: Record<string, any>) => f.type === match : match;
        const started = Date.now();
        const check = () => {
          const found = frames.slice(from).find(test);
          if (found !== undefined) return resolve(found);
          if (Date.now() - started > ms)
            return reject(
              new Error(
                `timed out after ${ms} ms waiting for ${String(typeof match === 'string' ? match : 'a match')}; saw ${frames.map((f) => f.type).join(', ')}`,
              ),
            );
          setTimeout(check, 5);
        };
        check();
      }),
    close: async () => {
      open.delete(client);
      if (socket.readyState !== WebSocket.CLOSED) {
        if (socket.readyState === WebSocket.OPEN) socket.close(1000);
        else socket.terminate();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
        clearTimeout(timer);
        if ((socket.readyState as number) !== WebSocket.CLOSED) socket.terminate();
      }
    },
  };
  open.add(client);
  return client;
}

/** Closes every client still open (call it in afterEach). */
export async function closeAllClients(): Promise<void> {
  await Promise.all([...open].map((client) => client.close()));
}

/** 20 ms chunks of PCM16 mono at `rate`: `speechMs` of a 200 Hz tone (amplitude 0.3), then `silenceMs` of silence. */
export function toneChunks(speechMs: number, silenceMs: number, rate = 24_000): Int16Array[] {
  const perChunk = (rate * 20) / 1000;
  const chunks: Int16Array[] = [];
  for (let t = 0; t < speechMs + silenceMs; t += 20) {
    const pcm = new Int16Array(perChunk);
    if (t < speechMs)
      for (let i = 0; i < perChunk; i++)
        pcm[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 200 * ((t * rate) / 1000 + i)) / rate));
    chunks.push(pcm);
  }
  return chunks;
}

export function toBase64(pcm: Int16Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
}

export function fromBase64(text: string): Int16Array {
  const bytes = Buffer.from(text, 'base64');
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
