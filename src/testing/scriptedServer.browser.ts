import { RealtimeError } from '../protocol/errors.js';
import type {
  Handshake,
  ScriptBatch,
  ScriptedConnection,
  ScriptedServer,
  ScriptedServerOptions,
  ScriptValue,
  ServerClose,
} from './scriptedServer.js';

/*
 * Browser stand-in for scriptedServer.ts, swapped in by the `browser` export condition (dist/browser) and
 * the `browser` maps of the dist package.json files, so that a browser bundle of `realtime-rx/testing` never
 * reaches `ws` or `node:http`. Same exports: the script builders work (a shared script module still
 * loads), and starting a server, which needs Node, rejects with a RealtimeError.
 */

export type {
  Handshake,
  ScriptBatch,
  ScriptedConnection,
  ScriptedServer,
  ScriptedServerOptions,
  ScriptValue,
  ServerClose,
};

export { ScriptFrame, rawFrame, binaryFrame } from './scriptFrame.js';

/** Node only: in a browser bundle the promise rejects with a RealtimeError of kind `config`. */
export function startScriptedServer(
  _connections: ReadonlyArray<ScriptBatch[] | ScriptedConnection>,
  _options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  // Rejects rather than throws, like the Node version does for an invalid script.
  return Promise.reject(
    new RealtimeError(
      'config',
      'startScriptedServer needs Node (it listens on a TCP port); in the browser use createTestSocket',
    ),
  );
}
