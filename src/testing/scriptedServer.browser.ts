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

let makeFrame!: (kind: 'text' | 'binary', data: string | Uint8Array) => ScriptFrame;

/** A frame a script sends as-is instead of JSON-encoding it (see the Node module). */
export class ScriptFrame {
  private constructor(
    readonly kind: 'text' | 'binary',
    readonly data: string | Uint8Array,
  ) {}

  static {
    makeFrame = (kind, data) => new ScriptFrame(kind, data);
  }
}

/** A text frame sent verbatim. */
export function rawFrame(text: string): ScriptFrame {
  if (typeof text !== 'string') throw new TypeError('rawFrame: text must be a string');
  return makeFrame('text', text);
}

/** A binary frame; the bytes are copied. */
export function binaryFrame(bytes: Uint8Array): ScriptFrame {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('binaryFrame: bytes must be a Uint8Array');
  return makeFrame('binary', Uint8Array.from(bytes));
}

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
