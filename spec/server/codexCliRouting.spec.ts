// Which protocol a connection gets: the Codex CLI's v1 and v3 name themselves in the request (the
// openai-alpha header, the path, ?intent=quicksilver); anything else gets the server's dialect.
import type { DialectName } from '../../src/protocol/dialect';
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { cliHeaders, HANDSHAKE } from './codexCli';
import { closeAllClients, rawClient } from './rawClient';

let server: DevServer | undefined;
afterEach(async () => {
  await closeAllClients();
  await server?.close();
  server = undefined;
});

/** The protocol that answers, told apart by how it answers the same two session messages. */
async function protocolAt(path: string, headers?: Record<string, string>, protocols?: string[]) {
  const client = await rawClient(`${server!.url}${path}`, protocols, headers);
  client.send({ type: 'session.update', session: {} });
  client.send({ type: 'session.create', session: {} });
  const first = await client.next(() => true);
  await client.close();
  if (first.type === 'session.started') return 'codex-cli-v3';
  if (first.type === 'session.created' && first.session.type === 'quicksilver') return 'codex-cli-v1';
  if (first.type === 'session.created') return 'codex (first generation)';
  if (first.type === 'error' && first.error.param === 'session.type') return 'openai';
  throw new Error(`unexpected answer ${JSON.stringify(first)}`);
}

describe.each<DialectName>(['openai', 'codex'])(
  'dev server (dialect %s): the protocol of each request',
  (dialect) => {
    const fallback = dialect === 'openai' ? 'openai' : 'codex (first generation)';

    it('gives the Codex CLI its v1 and v3 as it connects, and its v2 the dialect (openai: the GA protocol)', async () => {
      server = await startDevServer({ dialect });
      expect(await protocolAt(HANDSHAKE.v1.path, cliHeaders('v1'))).toBe('codex-cli-v1');
      expect(await protocolAt(HANDSHAKE.v3.path, cliHeaders('v3'))).toBe('codex-cli-v3');
      expect(await protocolAt(HANDSHAKE.v2.path, cliHeaders('v2'))).toBe(fallback);
    });

    it('reads the openai-alpha header first (among other features), then the path and the intent', async () => {
      server = await startDevServer({ dialect });
      expect(await protocolAt('/anywhere', { 'openai-alpha': 'other=1, quicksilver=v1' })).toBe(
        'codex-cli-v1',
      );
      expect(await protocolAt('/v1/realtime', { 'openai-alpha': 'quicksilver=v2' })).toBe('codex-cli-v3');
      expect(await protocolAt('/v1/live', { 'openai-alpha': 'quicksilver=v1' })).toBe('codex-cli-v1');
      expect(await protocolAt('/v1/live/')).toBe('codex-cli-v3');
      expect(await protocolAt('/v1/realtime?intent=quicksilver')).toBe('codex-cli-v1');
      expect(await protocolAt('/v1/realtime?intent=other', { 'openai-alpha': 'quicksilver=v9' })).toBe(
        fallback,
      );
      expect(await protocolAt('/v1/lively')).toBe(fallback);
    });
  },
);

it('keeps serving GA clients and the first-generation codex client as before', async () => {
  server = await startDevServer();
  expect(await protocolAt('/v1/realtime?model=gpt-realtime', undefined, ['realtime'])).toBe('openai');
  expect(await protocolAt('/')).toBe('openai');
  await server.close();
  server = await startDevServer({ dialect: 'codex' });
  expect(await protocolAt('/ws')).toBe('codex (first generation)');
});
