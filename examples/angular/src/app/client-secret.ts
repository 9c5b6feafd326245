import type { ClientSecretGrant } from './realtime-conversation.service';

/**
 * Asks the app's own server for a short-lived key (key-server.mjs mints it with `createClientSecret`;
 * `ng serve` forwards /realtime to it). The page never holds a real API key.
 */
export async function fetchClientSecret(): Promise<ClientSecretGrant> {
  const response = await fetch('/realtime/client-secret', { method: 'POST' });
  const body = (await response.json().catch(() => ({}))) as Partial<ClientSecretGrant> & { error?: string };
  if (!response.ok || typeof body.value !== 'string')
    throw new Error(body.error ?? `/realtime/client-secret answered ${response.status}`);
  return { value: body.value, url: body.url };
}
