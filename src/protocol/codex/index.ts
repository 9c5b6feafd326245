import type { Dialect, DialectSession } from '../dialect.js';
import { decodeCodex } from './decode.js';
import { audioEnvelope, encodeText, sessionMessage } from './encode.js';
import { codexUrl } from './url.js';

/**
 * Codex's first-generation realtime protocol. Stateless: one session object serves every socket.
 *
 * Path `/ws` when the base URL has none; the first frame is `session.create`; it has no controls
 * (each is reported as an `invalid` event). Select it with `dialect: 'codex'`.
 *
 * @example
 * ```ts
 * const conversation = connectConversation({ url: 'http://127.0.0.1:8011', dialect: 'codex', prompt: 'Be brief.' });
 * codexDialect.prepare({ url: 'http://127.0.0.1:8011' }).url; // 'ws://127.0.0.1:8011/ws'
 * ```
 *
 * @see {@link openaiDialect}
 */
export const codexDialect: Dialect = {
  name: 'codex',
  prepare(params) {
    const url = codexUrl(params.url);
    const headers: Record<string, string> = params.apiKey ? { Authorization: 'Bearer ' + params.apiKey } : {};
    const session: DialectSession = {
      sessionMessage: () => sessionMessage(params),
      audioEnvelope,
      encodeText: (text) => [encodeText(text)],
      encodeControl: (control) => ({ problem: `the codex dialect has no wire form for ${control.type}` }),
      decode: decodeCodex,
      takePending: () => undefined,
    };
    return { url, headers, protocols: undefined, newSession: () => session };
  },
};
