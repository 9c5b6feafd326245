/*
 * The API key never leaves the library: servers here echo it on purpose (401 bodies, close reasons,
 * error messages, bad fields), and no event, stats value, detail, thrown error or console line may
 * carry it. (Every other fault spec runs with the same key and the same checks in its teardown.)
 */
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { connectConversation, type WebSocketLike } from '../../src/index';
import { OPENAI_DECODED_TYPES, OPENAI_IGNORED_TYPES } from '../../src/protocol/openai/decode';
import type { OpenAIServerEvent } from '../../src/protocol/openai/wire';
import { openaiServerEvent as ev } from '../../src/testing/openaiServerEvent';
import {
  answerSession,
  capturedConsole,
  expectNoSecret,
  installFaultGuards,
  open,
  SECRET,
  startStatusServer,
  startWsServer,
  until,
} from './harness';

installFaultGuards();

const redacted = (text: string) => text.split(SECRET).join('***');

describe('secrets under faults', () => {
  afterEach(() => {
    // The library itself prints nothing, key or not.
    expect(capturedConsole()).toEqual([]);
  });

  it('a 401 whose body, status line and headers echo the key: the detail quotes the body, redacted', async () => {
    const server = await startStatusServer((req) => ({
      status: 401,
      body: JSON.stringify({
        error: { message: `Incorrect API key provided: ${SECRET}`, header: req.headers.authorization },
      }),
      headers: { 'WWW-Authenticate': `Bearer realm="${SECRET}"` },
    }));
    const c = open(server.url, {
      reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    await c.finished();
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`); // the key really went out
    expect(c.events).toEqual([
      {
        type: 'closed',
        reason: 'error',
        detail:
          'Unexpected server response: 401: {"error":{"message":"Incorrect API key provided: ***","header":"Bearer ***"}}',
      },
    ]);
  });

  it('a close reason that echoes the key is redacted in the detail', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(4001, `bad key ${SECRET}`);
      },
    });
    const c = open(server.url);
    await c.finished();
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4001,
      detail: 'bad key ***',
    });
  });

  it('a credential-looking header value (not only apiKey) echoed in a close reason is redacted', async () => {
    const other = 'hdr-secret-value-98765';
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(4002, `${String(conn.req.headers['x-api-key'])} / ${conn.req.headers.authorization}`);
      },
    });
    const c = open(server.url, { headers: { 'X-Api-Key': other } });
    await c.finished();
    expect(server.connections[0].req.headers['x-api-key']).toBe(other);
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4002,
      detail: '*** / Bearer ***',
    });
    expect(JSON.stringify(c.events)).not.toContain(other);
  });

  it('a close reason that echoes the key is redacted in reconnecting.cause and in the gave-up detail', async () => {
    const server = await startWsServer({
      reject: (i) => (i >= 2 ? 503 : undefined),
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(1011, `upstream rejected ${SECRET}`);
      },
    });
    const c = open(server.url, {
      reconnect: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    const closed = await c.finished(3000);
    // The second socket closed as soon as it opened: its attempt still counts (STABLE_AFTER_MS), so
    // with maxAttempts 1 that was the last one.
    expect(c.ofType('reconnecting')).toEqual([
      { type: 'reconnecting', attempt: 1, delayMs: 10, cause: 'closed with 1011: upstream rejected ***' },
    ]);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 1011,
      detail: 'gave up after 1 reconnect attempts: closed with 1011: upstream rejected ***',
    });
  });

  it('a codex server error that echoes the key: neither the error event nor the closed detail carries it', async () => {
    const message = `invalid api key: ${SECRET}`;
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index === 0) conn.ws.send(JSON.stringify({ type: 'error', message }));
      },
    });
    const c = open(server.url);
    await until(() => c.completed(), 3000, 'the end');
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'error',
      code: 1000,
      detail: redacted(message),
    });
    expect(c.ofType('error')).toEqual([{ type: 'error', message: redacted(message) }]);
    await c.finished();
  });

  it('openai server errors that quote the key (a recoverable one, then invalid_api_key): no invalid detail, error event or closed detail carries it', async () => {
    const recoverable = `Conversation already has an active response (key ${SECRET})`;
    const message = `Incorrect API key provided: ${SECRET}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    const error = (code: string, text: string) =>
      JSON.stringify({
        type: 'error',
        event_id: 'ev_1',
        error: { type: 'invalid_request_error', code, message: text, param: null },
      });
    const server = await startWsServer({
      onConnection: (conn) => {
        conn.ws.send(error('conversation_already_has_active_response', recoverable));
        conn.ws.send(error('invalid_api_key', message));
      },
    });
    const c = open(server.url, { dialect: 'openai' });
    await until(() => c.completed(), 3000, 'the end');
    expect(server.connections[0].req.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'error',
      code: 1000,
      detail: redacted(message),
    });
    expect(c.ofType('invalid')).toEqual([
      {
        type: 'invalid',
        messageType: 'error',
        detail: `server rejected a request (conversation_already_has_active_response): ${redacted(recoverable)}`,
      },
    ]);
    expect(c.ofType('error')).toEqual([
      { type: 'error', message: redacted(message), code: 'invalid_api_key' },
    ]);
    await c.finished();
  });

  it('a frame with a bad field holding the key: the invalid detail does not quote it', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index !== 0) return;
        conn.ws.send(
          JSON.stringify({
            type: 'response.output_audio.delta',
            delta: 'AAAA',
            sample_rate: SECRET,
            num_channels: 1,
          }),
        );
        conn.ws.send(`${SECRET} is not JSON`);
        conn.ws.close(1000);
      },
    });
    const c = open(server.url);
    await until(() => c.completed(), 3000, 'the end');
    const invalid = c.ofType('invalid');
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatchObject({ type: 'invalid', messageType: 'response.output_audio.delta' });
    expect(invalid[0].detail).toMatch(/^sample_rate: /);
    expect(invalid[1].detail).toMatch(/^malformed JSON: /);
    await c.finished(); // fails if any event quotes the key
  });

  it('thrown config errors never quote the key or a URL holding it, and no socket is opened', async () => {
    const server = await startStatusServer(() => ({ status: 500 }));
    const attempts: [string, () => unknown][] = [
      [
        'a bad scheme with the key in the URL',
        () =>
          connectConversation({ url: `ftp://user:${SECRET}@127.0.0.1:1`, dialect: 'codex', apiKey: SECRET }),
      ],
      [
        'the key over plain ws:// to a remote host',
        () => connectConversation({ url: 'http://example.invalid', dialect: 'openai', apiKey: SECRET }),
      ],
      [
        'an unknown dialect',
        () => connectConversation({ url: server.url, dialect: 'nope' as 'codex', apiKey: SECRET }),
      ],
      [
        'a bad buffer size',
        () =>
          connectConversation({ url: server.url, dialect: 'codex', apiKey: SECRET, audioBufferFrames: -1 }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ name: 'RealtimeError', kind: 'config' });
      expectNoSecret((thrown as Error).message, `the error thrown for ${what}`);
      expectNoSecret(String((thrown as Error).stack), `the stack of the error thrown for ${what}`);
    }
    expect(server.requests).toHaveLength(0);
  });
});

/*
 * The redaction property: for random keys (lengths 8 to 200, eight alphabets, spaces and non-ASCII
 * included), placed — whole, cut short, or between padding that moves every cut the library makes
 * across them — in every field of every server event both dialects decode, in garbage frames, close
 * reasons (cut at 123 bytes, as a WebSocket close reason is), refused handshakes' bodies (cut at 200
 * bytes, as the transport cuts them), socket errors, inputs the conversation refuses and options it
 * throws on: no 8-character piece of the key is in any event, server event, stats or thrown error.
 * In process, on scripted sockets and a virtual clock: deterministic seeds, a few seconds in all.
 */
describe('redaction property: no 8-character piece of a key survives, wherever it is put and however it is cut', () => {
  const RUNS_PER_DIALECT = 12;

  it.each([
    ['codex', 1],
    ['openai', 2],
  ] as const)('%s (seed %i)', (dialect, seed) => {
    const random = mulberry32(seed);
    const types = new Set<string>();
    for (let run = 0; run < RUNS_PER_DIALECT; run++) {
      // The openai dialect sends the key in a header, which takes ASCII only (codex: any text).
      const key = randomKey(random, dialect === 'openai');
      const place = (): string => placed(key, random);
      const seen: unknown[] = [];
      const samples = dialect === 'codex' ? codexSamples() : openaiSamples();
      // Every leaf of every sample replaced by the key in turn; an `error` ends its conversation, so
      // each frame that may be one gets its own.
      const frames: string[] = [];
      const ending: string[] = [];
      for (const sample of samples) {
        for (const path of leafPaths(sample)) {
          const frame = JSON.stringify(withLeaf(sample, path, place()));
          (sample.type === 'error' ? ending : frames).push(frame);
        }
      }
      frames.push(
        `${place()} is not JSON`,
        `{"type":"${place()}"}`,
        `{"type":"error","error":${JSON.stringify(place())}`,
      );
      const ends = endings(random, place);
      runConversation(dialect, key, frames, ends[run % ends.length], random, place, seen);
      for (const frame of ending) runConversation(dialect, key, [frame], ends[0], random, place, seen);
      seen.push(...thrownFor(dialect, key, place));
      for (const value of seen)
        if (typeof value === 'object' && value !== null && 'type' in value) types.add(String(value.type));
      const leak = pieceOf(key, seen);
      if (leak !== undefined)
        throw new Error(`seed ${seed} run ${run}: a piece of the key ${JSON.stringify(key)} in ${leak}`);
    }
    // Every event the dialect decodes came out at least once, with the key in one of its fields.
    expect(EVENT_TYPES[dialect].filter((type) => !types.has(type))).toEqual([]);
  });
});

const EVENT_TYPES = {
  codex: ['session.created', 'session.updated', 'audio.out', 'conversation.item.added', 'error'],
  openai: [
    'session.created',
    'session.updated',
    'audio.out',
    'conversation.item.added',
    'conversation.item.done',
    'transcript.delta',
    'transcript.done',
    'transcript.failed',
    'speech.started',
    'speech.stopped',
    'input.committed',
    'input.cleared',
    'input.timeout',
    'response.created',
    'response.done',
    'response.cancelled',
    'tool.call',
    'item.retrieved',
    'item.truncated',
    'item.deleted',
    'rate_limits',
    'error',
  ],
};

/** How a scripted socket ends: a close with a reason, a refused handshake, a socket error; with a reconnect or not. */
type Ending = (sockets: ScriptedSocket[], flush: () => void) => void;

function endings(random: () => number, place: () => string): Ending[] {
  const reason = () => cutBytes(place(), 123);
  const body = () => cutBytes(place(), 200);
  return [
    (sockets) => sockets[0].finish([1000, 1011, 4001, 1013][Math.floor(random() * 4)], reason()),
    (sockets, flush) => {
      sockets[0].finish(1011, reason()); // reconnecting.cause
      flush();
      sockets[1].refuse(503, body()); // the gave-up detail
    },
    (sockets) => sockets[0].refuse(401, body()),
    (sockets) => sockets[0].fail(place()),
  ];
}

function runConversation(
  dialect: 'codex' | 'openai',
  key: string,
  frames: readonly string[],
  ending: Ending,
  random: () => number,
  place: () => string,
  seen: unknown[],
): void {
  const scheduler = new VirtualTimeScheduler(VirtualAction, 1000);
  const sockets: ScriptedSocket[] = [];
  const conversation = connectConversation({
    url: 'http://127.0.0.1:1',
    dialect,
    apiKey: key,
    scheduler,
    keepalive: false,
    congestion: false,
    reconnect: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
    webSocket: () => {
      const socket = new ScriptedSocket();
      sockets.push(socket);
      return socket;
    },
  });
  conversation.events$.subscribe((event) => seen.push(event));
  conversation.serverEvents$.subscribe((event) => seen.push(event));
  const first = sockets[0];
  first.open();
  // Inputs the conversation refuses, quoting them: a control, an audio frame, a failing producer.
  conversation.control.next({ type: 'client.event', event: { type: place() } as never });
  conversation.audio.next({
    data: 'AAAAAA==',
    sampleRate: 24000,
    numChannels: 1,
    encoding: place() as 'pcm16',
  });
  if (random() < 0.5) conversation.text.error(new Error(place()));
  for (const frame of frames) first.message(frame);
  ending(sockets, () => scheduler.flush());
  scheduler.flush();
  for (const socket of sockets) socket.finish(1000, ''); // a socket the conversation closed
  scheduler.flush();
  conversation.stats$.subscribe((stats) => seen.push(stats));
  for (const late of [
    () => conversation.text.next(place()),
    () => conversation.control.next({ type: place() } as never),
  ]) {
    try {
      late();
    } catch (error) {
      seen.push({ message: (error as Error).message, stack: (error as Error).stack });
    }
  }
  expect(seen.some((event) => (event as { type?: string }).type === 'closed')).toBe(true);
}

/** The errors thrown for options that hold the key: each thrown error's message and stack. */
function thrownFor(dialect: 'codex' | 'openai', key: string, place: () => string): unknown[] {
  const attempts: (() => unknown)[] = [
    () => connectConversation({ url: 'http://127.0.0.1:1', dialect: place() as 'codex', apiKey: key }),
    () => connectConversation({ url: `ftp://u:${place()}@127.0.0.1:1`, dialect, apiKey: key }),
    () =>
      connectConversation({
        url: 'http://127.0.0.1:1',
        dialect: 'openai',
        apiKey: key,
        session: { voice: place() as 'marin', speed: place() as unknown as number },
      }),
    () =>
      connectConversation({
        url: 'http://127.0.0.1:1',
        dialect,
        apiKey: key,
        audioBufferFrames: place() as unknown as number,
      }),
  ];
  const thrown: unknown[] = [];
  for (const attempt of attempts) {
    try {
      attempt();
      thrown.push(new Error('did not throw'));
    } catch (error) {
      thrown.push({ message: (error as Error).message, stack: (error as Error).stack });
    }
  }
  expect(thrown.every((t) => !(t instanceof Error))).toBe(true);
  return thrown;
}

/** A socket driven by hand: opened, fed frames, closed, refused or failed as the test says. */
class ScriptedSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  handshakeResponse: { status: number; body: string } | undefined;

  send(): void {}
  close(): void {}
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  message(data: string): void {
    if (this.readyState === 1) this.onmessage?.({ data });
  }
  finish(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  refuse(status: number, body: string): void {
    this.handshakeResponse = { status, body };
    this.fail('Unexpected server response');
  }
  fail(message: string): void {
    this.onerror?.({ message });
    this.finish(1006, '');
  }
}

// Keys, and where they go.

const ALPHABETS = [
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '0123456789abcdef',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=',
  'abcdefghijklmnopqrstuvwxyz      ', // a passphrase: words and spaces
  'абвгдеёжзийклмнопрстуфхцчшщъыьэюяαβγδεζηθ0123456789',
  '🔑🗝️😀🎉abcdefghijKLMNOP0123',
  // Printable ASCII but `*` (the mask): quotes, backslashes and braces, escaped where JSON quotes them.
  '!"#$%&\'()+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~',
];

function randomKey(random: () => number, asciiOnly: boolean): string {
  const alphabets = asciiOnly ? ALPHABETS.filter((a) => /^[\x20-\x7e]+$/.test(a)) : ALPHABETS;
  const alphabet = [...alphabets[Math.floor(random() * alphabets.length)]];
  const length = 8 + Math.floor(random() * 193);
  let key = random() < 0.3 ? 'sk-proj-' : '';
  while (key.length < length) key += alphabet[Math.floor(random() * alphabet.length)];
  // No key starts or ends with a space, nor holds one of less than 8 characters.
  return key.trim().length >= 8 ? key.trim() : `${key.trim()}ZZZZZZZZ`;
}

/** The key as a server might quote it: whole or cut short, after and before padding of any length. */
function placed(key: string, random: () => number): string {
  const pad = (n: number) => 'x.'.repeat(n).slice(0, n);
  const shown = random() < 0.3 ? key.slice(0, 8 + Math.floor(random() * (key.length - 7))) : key;
  return `${pad(Math.floor(random() * 260))}${shown}${pad(Math.floor(random() * 40))}`;
}

/** The first `max` bytes of `text` in UTF-8, as a close reason or a body is cut. */
function cutBytes(text: string, max: number): string {
  return Buffer.from(text, 'utf8').subarray(0, max).toString('utf8');
}

/** Where a piece of 8 characters of `key` is in `values` (every string in them), if anywhere. */
function pieceOf(key: string, values: unknown[]): string | undefined {
  const pieces = new Set<string>();
  for (let i = 0; i + 8 <= key.length; i++) pieces.add(key.slice(i, i + 8));
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(values);
  for (const text of strings)
    for (let i = 0; i + 8 <= text.length; i++)
      if (pieces.has(text.slice(i, i + 8))) return JSON.stringify(text);
  return undefined;
}

type Sample = { type: string } & Record<string, unknown>;

/** The paths of every leaf of `value` (strings, numbers, booleans, nulls), but its `type`. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null)
    return path.length === 1 && path[0] === 'type' ? [] : [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => leafPaths(v, [...path, k]));
}

function withLeaf(sample: Sample, path: (string | number)[], leaf: string): unknown {
  const copy = structuredClone(sample) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]] = leaf;
  return copy;
}

function codexSamples(): Sample[] {
  return [
    { type: 'session.created', session: { id: 's1' } },
    { type: 'session.created', session_id: 's1' },
    { type: 'session.updated', session: { id: 's1', backend_prompt: 'p' } },
    {
      type: 'response.output_audio.delta',
      delta: 'AAAAAA==',
      sample_rate: 24000,
      num_channels: 1,
      item_id: 'i1',
    },
    {
      type: 'response.output_audio.delta',
      data: 'AAAAAA==',
      sample_rate: 24000,
      num_channels: 1,
      samples_per_channel: 2,
    },
    { type: 'conversation.item.added', item: { id: 'i1', role: 'assistant', content: [{ text: 't' }] } },
    { type: 'error', message: 'm' },
    { type: 'error', error: { message: 'm', code: 'c' } },
    { type: 'error', error: { nested: ['bare', { value: 'v' }] } },
    { type: 'error', error: 'bare' },
  ];
}

function openaiSamples(): Sample[] {
  const functionCall = {
    id: 'item_1',
    type: 'function_call',
    call_id: 'call_1',
    name: 'lookup',
    arguments: '{}',
    status: 'completed',
  };
  const all = [...OPENAI_DECODED_TYPES, ...OPENAI_IGNORED_TYPES].map(
    (type) => ev(type as OpenAIServerEvent['type']) as unknown as Sample,
  );
  return [
    ...all,
    ev('response.output_audio.delta', { delta: 'AAAAAA==' }),
    ev('conversation.item.done', { item: functionCall as never }),
    ev('response.output_item.added', { item: functionCall as never }),
    ev('rate_limits.updated', {
      rate_limits: [{ name: 'tokens', limit: 1, remaining: 1, reset_seconds: 1 }],
    }),
    ev('response.created', { response: { id: 'r', metadata: { topic: 't' } } }),
    ev('response.done', {
      response: {
        id: 'r',
        status: 'failed',
        status_details: { type: 'failed', reason: 'r', error: { type: 't', code: 'c' } },
        metadata: { topic: 't' },
      } as never,
    }),
    ev('error', {
      error: { type: 't', code: 'conversation_already_has_active_response', message: 'm' },
    }),
    ev('error', {
      error: { type: 't', code: 'invalid_api_key', message: 'm', param: 'p' },
    }),
    ev('conversation.item.input_audio_transcription.failed', {
      error: { type: 't', code: 'c', message: 'm', param: 'p' },
    }),
  ];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
