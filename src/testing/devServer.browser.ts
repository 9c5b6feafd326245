import { RealtimeError } from '../protocol/errors.js';
import type { DevServer, DevServerOptions } from './devServer.js';

/*
 * Browser stand-in for devServer.ts, swapped in by the `browser` export condition (dist/browser) and the
 * `browser` maps of the dist package.json files, so that a browser bundle of `realtime-rx/testing` never
 * reaches the server, `ws` or `node:http`. Same exports: starting the server, which needs Node, rejects
 * with a RealtimeError.
 */

export type { DevServer, DevServerOptions };
export type { DevConnectionStats, VadOptions } from './devServer.js';

/** Node only: in a browser bundle the promise rejects with a RealtimeError of kind `config`. */
export function startDevServer(_options: DevServerOptions = {}): Promise<DevServer> {
  // Rejects rather than throws, as the Node version does when it cannot listen.
  return Promise.reject(
    new RealtimeError(
      'config',
      'startDevServer needs Node (it listens on a TCP port); run it in your test runner or use `npx realtime-rx serve`, and connect the page to its url',
    ),
  );
}
