// The app's server side, in Node: POST /realtime/client-secret mints a short-lived key with realtime-rx's
// createClientSecret and hands the page `{ value, expiresAt, url }`. The page never sees the API key.
// `ng serve` forwards /realtime to it (proxy.conf.json).
//
//   node key-server.mjs [--port 8012] [--realtime http://127.0.0.1:8011]
//
// With OPENAI_API_KEY set, the keys are OpenAI's (https://api.openai.com/v1); without it, the local dev
// server's (`npx realtime-rx serve --port 8011`), which mints keys too and accepts only those.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createClientSecret } from 'realtime-rx';

/**
 * The endpoint: each POST mints a key for one conversation on `realtimeUrl` (a base URL as
 * connectConversation takes it), with `apiKey` (the dev server takes any).
 */
export function clientSecretEndpoint({ realtimeUrl, apiKey }) {
  return async (request, response) => {
    const answer = (status, body) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'POST') return answer(405, { error: 'use POST' });
    try {
      const { value, expiresAt } = await createClientSecret({
        apiKey,
        url: realtimeUrl, // the page's session.update sets the rest (instructions, tools)
        expiresAfterSeconds: 600,
      });
      answer(200, { value, expiresAt, url: realtimeUrl });
    } catch (error) {
      // createClientSecret's errors never contain the key.
      answer(502, { error: `minting failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8012' }, realtime: { type: 'string' } },
  });
  const apiKey = process.env.OPENAI_API_KEY;
  const realtimeUrl = values.realtime ?? (apiKey ? 'https://api.openai.com/v1' : 'http://127.0.0.1:8011');
  const endpoint = clientSecretEndpoint({ realtimeUrl, apiKey: apiKey ?? 'dev-server' });
  createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname === '/realtime/client-secret')
      return void endpoint(request, response);
    response.writeHead(404).end();
  }).listen(Number(values.port), '127.0.0.1', () =>
    console.log(`key server on http://127.0.0.1:${values.port}/realtime/client-secret, minting for ${realtimeUrl}`),
  );
}
