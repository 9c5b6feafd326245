// startDevServer as realtime-rx/testing exports it: the server of `realtime-rx serve`, started from code,
// and its browser stand-in, which rejects.
import { connectConversation, RealtimeError, type Conversation, type RealtimeEvent } from '../../src/index';
import { startDevServer as serverOfServe } from '../../src/server/devServer';
import * as testing from '../../src/testing';
import * as standIn from '../../src/testing/devServer.browser';
import { closeConversation, record, refusedPort, waitFor } from '../helpers';

const { startDevServer } = testing;

let server: testing.DevServer | undefined;
let conversation: Conversation | undefined;
afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await server?.close();
  server = undefined;
});

/** A conversation with the test's server and its events, recorded. */
function talk(options: { dialect?: 'codex' } = {}): RealtimeEvent[] {
  conversation = connectConversation({ url: server!.url, prompt: 'Be brief.', ...options });
  return record(conversation.events$).values;
}

describe('startDevServer (realtime-rx/testing)', () => {
  it('is the server that `serve` runs', () => {
    expect(startDevServer).toBe(serverOfServe);
  });

  it('listens on 127.0.0.1 and a free port by default; a conversation with no key gets its echo; close() ends it all', async () => {
    const lines: string[] = [];
    server = await startDevServer({ log: (line) => lines.push(line) });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(server.clientSecretsUrl).toBe(`${server.url.replace('ws:', 'http:')}/v1/realtime/client_secrets`);
    const events = talk();
    await waitFor(events, (e) => e.type === 'session.created');
    conversation!.text.next('hello');
    await waitFor(events, (e) => e.type === 'transcript.done' && e.text === 'You said: "hello"');
    expect(server.connections()).toMatchObject([{ id: 1, textsIn: 1, sessionId: 'sess_dev_1' }]);

    const closing = server.close();
    expect(server.close()).toBe(closing); // once
    await closing;
    server = undefined;
    await waitFor(events, (e) => e.type === 'closed');
    expect(events.at(-1)).toMatchObject({ type: 'closed', reason: 'transport_closed', code: 1006 });
    await waitFor(lines, (line) => line.startsWith('[serve] connection 1 /v1/realtime?model=gpt-realtime'));
  });

  it('takes the port, the dialect and the fault switches', async () => {
    const port = await refusedPort(); // free now
    server = await startDevServer({ port, dialect: 'codex', latencyMs: 150, errorAfterMs: 400 });
    expect(server.url).toBe(`ws://127.0.0.1:${port}`);
    const started = Date.now();
    const events = talk({ dialect: 'codex' });
    await waitFor(events, (e) => e.type === 'session.created');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // latencyMs
    await waitFor(events, (e) => e.type === 'closed', 3000);
    expect(events.slice(-2)).toEqual([
      { type: 'error', message: 'dev server: error injected after 400 ms' },
      { type: 'closed', reason: 'error', code: 1000, detail: 'dev server: error injected after 400 ms' },
    ]);
    expect(server.connections()[0].path).toBe('/ws');
  });

  it('rejects when it cannot listen (the port is taken)', async () => {
    server = await startDevServer();
    const port = Number(new URL(server.url).port);
    await expect(startDevServer({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('startDevServer in a browser bundle (devServer.browser.ts)', () => {
  it('has the same exports, and rejects with a RealtimeError of kind config', async () => {
    expect(Object.keys(standIn).sort()).toEqual(
      Object.keys(await import('../../src/testing/devServer')).sort(),
    );
    const error: unknown = await standIn.startDevServer({ port: 8011 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/^startDevServer needs Node \(it listens on a TCP port\)/),
    });
  });
});
