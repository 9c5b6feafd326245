// What the openai dev-server specs share: a server per test, raw clients whose every received frame must
// be a valid GA server event (checked after each test), and small senders.
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/server/devServer';
import { gaProblem } from './gaEvents';
import { closeAllClients, rawClient, toBase64, type RawClient } from './rawClient';

export interface OpenAIHarness {
  /** Starts the test's dev server (openai dialect). */
  start: (options?: DevServerOptions) => Promise<DevServer>;
  /** Starts the server and connects a raw client to `path`. */
  connect: (options?: DevServerOptions, path?: string) => Promise<RawClient>;
  /** Another raw client (its frames are checked too). */
  open: (...args: Parameters<typeof rawClient>) => Promise<RawClient>;
}

/** Registers the afterEach that checks every frame, closes the clients and stops the server. */
export function openaiHarness(): OpenAIHarness {
  let server: DevServer | undefined;
  let clients: RawClient[] = [];
  afterEach(async () => {
    const problems = clients.flatMap((client) => client.frames.map(gaProblem).filter((p) => p !== undefined));
    clients = [];
    await closeAllClients();
    await server?.close();
    server = undefined;
    expect(problems).toEqual([]);
  });
  const harness: OpenAIHarness = {
    start: async (options = {}) => (server = await startDevServer({ dialect: 'openai', ...options })),
    connect: async (options = {}, path = '/v1/realtime?model=gpt-realtime') => {
      const started = await harness.start(options);
      return harness.open(`${started.url}${path}`);
    },
    open: async (...args) => {
      const client = await rawClient(...args);
      clients.push(client);
      return client;
    },
  };
  return harness;
}

/** Sends `session.update` and waits for the `session.updated` that answers it. */
export async function startSession(
  client: RawClient,
  session: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const from = client.frames.length;
  client.send({ type: 'session.update', session: { type: 'realtime', ...session } });
  return client.next('session.updated', 3000, from);
}

export function append(client: RawClient, chunks: Int16Array[]): void {
  for (const chunk of chunks) client.send({ type: 'input_audio_buffer.append', audio: toBase64(chunk) });
}

/** A user text item. */
export function sendText(client: RawClient, text: string): void {
  client.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
}

export const responseDone = (id: string) => (f: Record<string, any>) =>
  f.type === 'response.done' && f.response.id === id;

/** The `type`s of the frames from index `from` on. */
export function typesFrom(client: RawClient, from: number): string[] {
  return client.frames.slice(from).map((f) => String(f.type));
}
