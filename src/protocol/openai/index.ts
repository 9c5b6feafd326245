import type { Dialect, DialectPlan, SessionParams } from '../dialect.js';
import type { RealtimeAudioFrame } from '../frame.js';
import { openaiHeaders, openaiProtocols } from './handshake.js';
import { openaiFormatProblem } from './audio.js';
import { OpenAIDialectSession } from './session.js';
import { SessionConfig } from './sessionConfig.js';
import { assertKeyTransportSafe, openaiEndpoint } from './url.js';
import { validateSessionOptions } from './validate.js';

/**
 * The OpenAI Realtime GA protocol, on api.openai.com and on
 * Azure OpenAI. `prepare` checks everything before any socket: the session options, the URL (`/v1/realtime`
 * or Azure's `/openai/v1/realtime`, `?model=`), that a key never travels over plain `ws://` to a remote
 * host; each socket then gets its own response-gating state (a `response.create` is held while
 * another response is active).
 *
 * The default dialect (`dialect: 'openai'`).
 *
 * @example
 * ```ts
 * openaiDialect.prepare({ url: 'https://api.openai.com' }).url; // 'wss://api.openai.com/v1/realtime?model=gpt-realtime'
 * const conversation = connectConversation({ url: 'https://api.openai.com', apiKey: process.env.OPENAI_API_KEY });
 * ```
 *
 * @see {@link OpenAISessionOptions}
 * @see {@link codexDialect}
 */
export const openaiDialect: Dialect = {
  name: 'openai',
  acknowledgesItems: true,
  prepare(params) {
    validateSessionOptions(params.session);
    const endpoint = openaiEndpoint(params.url, params.model, params.session?.provider);
    if (params.apiKey) assertKeyTransportSafe(endpoint.url);
    const headers = openaiHeaders(params.apiKey, params.sessionId, endpoint.provider);
    const protocols = openaiProtocols(params.apiKey, endpoint.provider);
    return new OpenAIPlan(endpoint.url, headers, protocols, params, new SessionConfig(params));
  },
};

/** A prepared OpenAI connection: methods on the prototype, so a conversation holds no closures for it. */
class OpenAIPlan implements DialectPlan {
  constructor(
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly protocols: string[] | undefined,
    private readonly params: SessionParams,
    private readonly config: SessionConfig,
  ) {}

  audioProblem(frame: RealtimeAudioFrame): string | undefined {
    return openaiFormatProblem(frame, this.config.input);
  }

  newSession(): OpenAIDialectSession {
    return new OpenAIDialectSession(this.params, this.config);
  }
}

export { OpenAIDialectSession } from './session.js';
export { openaiAudioProblem, OPENAI_SAMPLE_RATE, OPENAI_CHANNELS } from './audio.js';
export {
  OPENAI_RECOVERABLE_ERROR_CODES,
  OPENAI_IGNORED_TYPES,
  OPENAI_DECODED_TYPES,
  decodeOpenAI,
} from './decode.js';
export { DEFAULT_OPENAI_MODEL, AZURE_HOST_SUFFIXES } from './url.js';
export { OPENAI_VOICES } from './options.js';
export type {
  OpenAIAudioFormat,
  OpenAISessionOptions,
  OpenAIVoice,
  TurnDetection,
  FunctionTool,
  PcmFormat,
} from './options.js';
