import type { Dialect } from '../dialect.js';
import { decodeCodex } from './decode.js';
import { encodeAudio, encodeText, sessionMessage } from './encode.js';
import { codexUrl } from './url.js';

/** The seed's first-generation Codex realtime protocol (reference §9). */
export const codexDialect: Dialect = {
  name: 'codex',
  url: (params) => codexUrl(params.url),
  headers: (params): Record<string, string> => (params.apiKey ? { Authorization: 'Bearer ' + params.apiKey } : {}),
  protocols: () => undefined,
  sessionMessage,
  encodeAudio,
  encodeText,
  decode: decodeCodex,
};
