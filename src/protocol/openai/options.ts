/**
 * Voices of the GA Realtime API, for {@link OpenAISessionOptions.voice}.
 *
 * @example
 * ```ts
 * const voice = OPENAI_VOICES.includes(input as OpenAIVoice) ? (input as OpenAIVoice) : 'marin';
 * ```
 */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
/**
 * One of {@link OPENAI_VOICES}.
 *
 * @example
 * ```ts
 * const voice: OpenAIVoice = 'cedar';
 * const conversation = connectConversation({ url: 'https://api.openai.com', session: { voice } });
 * ```
 */
export type OpenAIVoice = (typeof OPENAI_VOICES)[number];

/**
 * PCM16 little-endian at 24 kHz mono: the GA API's default format, and what `audio.out` frames carry
 * unless the session asks for G.711.
 *
 * @example
 * ```ts
 * const format: PcmFormat = { type: 'audio/pcm', rate: 24000 };
 * const session: OpenAISessionOptions = { inputFormat: format, outputFormat: format };
 * ```
 */
export interface PcmFormat {
  /** Always `'audio/pcm'`. */
  type: 'audio/pcm';
  /** Hz; the GA API takes 24 000. */
  rate: 24000;
}

/**
 * An audio format of the GA API, for {@link OpenAISessionOptions.inputFormat} and `outputFormat`:
 * PCM16 at 24 kHz, or G.711 at 8 kHz for telephony (`audio/pcmu`: µ-law, `audio/pcma`: A-law; one byte
 * per sample, frames with `encoding: 'g711_ulaw'` / `'g711_alaw'`).
 *
 * @example
 * A phone line: µ-law in and out
 * ```ts
 * const format: OpenAIAudioFormat = { type: 'audio/pcmu' };
 * const conversation = connectConversation({ url: 'https://api.openai.com', session: { inputFormat: format, outputFormat: format } });
 * ```
 */
export type OpenAIAudioFormat = PcmFormat | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/**
 * How the server detects the user's turns: `server_vad` (by silence) or `semantic_vad` (by what was
 * said). Set it as {@link OpenAISessionOptions.turnDetection}; `null` there turns detection off.
 *
 * @example
 * ```ts
 * const turnDetection: TurnDetection = { type: 'server_vad', silenceDurationMs: 700, interruptResponse: false };
 * const conversation = connectConversation({ url: 'https://api.openai.com', session: { turnDetection } });
 * ```
 */
export type TurnDetection =
  | {
      /** Turns end after a silence. */
      type: 'server_vad';
      /** 0..1, default 0.5 */
      threshold?: number;
      /** Audio kept before the detected speech, in ms. */
      prefixPaddingMs?: number;
      /** Silence that ends a turn, in ms. */
      silenceDurationMs?: number;
      /** Silence after which the server prompts the user, in ms (5 000 to 30 000); `input.timeout` tells. */
      idleTimeoutMs?: number;
      /** default true: the server answers each turn by itself */
      createResponse?: boolean;
      /** default true: the user's speech cancels the response being spoken */
      interruptResponse?: boolean;
    }
  | {
      /** Turns end when the model judges the user has finished. */
      type: 'semantic_vad';
      /** How soon to answer: `low` waits longest (default `auto`). */
      eagerness?: 'low' | 'medium' | 'high' | 'auto';
      /** default true: the server answers each turn by itself */
      createResponse?: boolean;
      /** default true: the user's speech cancels the response being spoken */
      interruptResponse?: boolean;
    };

/**
 * A function the model may call; its calls arrive as `tool.call` events, answered with a
 * `tool.output` control.
 *
 * @example
 * ```ts
 * const getWeather: FunctionTool = {
 *   type: 'function',
 *   name: 'get_weather',
 *   description: 'The weather in a city',
 *   parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 * };
 * const conversation = connectConversation({ url: 'https://api.openai.com', session: { tools: [getWeather] } });
 * ```
 */
export interface FunctionTool {
  /** Always `'function'`. */
  type: 'function';
  /** Matches `^[a-zA-Z0-9_-]{1,64}$`, unique among the session's tools; `tool.call` events carry it. */
  name: string;
  /** What the function does, for the model. */
  description?: string;
  /** JSON Schema of the arguments */
  parameters?: Record<string, unknown>;
}

/**
 * The `session.update` of the openai dialect, camelCase; every field optional. `openaiDialect.prepare`
 * checks these before any socket (unknown keys included) and throws `RealtimeError('config')` naming the
 * option; milliseconds are non-negative integers, tool names match `^[a-zA-Z0-9_-]{1,64}$` and are unique.
 *
 * Given as {@link ConversationOptions.session}; the codex dialect ignores it.
 *
 * @example
 * A text-only assistant with a tool, that never interrupts itself
 * ```ts
 * const session: OpenAISessionOptions = {
 *   outputModalities: ['text'],
 *   turnDetection: { type: 'semantic_vad', interruptResponse: false },
 *   tools: [{ type: 'function', name: 'get_time', description: 'The current time' }],
 *   toolChoice: 'auto',
 *   maxOutputTokens: 1024,
 * };
 * const conversation = connectConversation({ url: 'https://api.openai.com', apiKey: process.env.OPENAI_API_KEY, session });
 * ```
 */
export interface OpenAISessionOptions {
  /** default 'marin' */
  voice?: OpenAIVoice;
  /**
   * default ['audio'] (audio with its transcript); ['text'] for text only. Exactly one of the two: the
   * GA API cannot answer in both at once.
   */
  outputModalities?: ('audio' | 'text')[];
  /** What `audio` frames must be: default {type:'audio/pcm', rate:24000}; G.711 for telephony. */
  inputFormat?: OpenAIAudioFormat;
  /** What `audio.out` frames are: default {type:'audio/pcm', rate:24000}; G.711 for telephony. */
  outputFormat?: OpenAIAudioFormat;
  /** default {type:'server_vad'}; `null` turns it off (then the app commits turns and asks for responses) */
  turnDetection?: TurnDetection | null;
  /** transcribe the user's audio, e.g. {model:'gpt-4o-mini-transcribe'}; default off */
  inputTranscription?: {
    /** The transcription model, e.g. `'gpt-4o-mini-transcribe'`. */
    model: string;
    /** ISO-639-1 language of the input, e.g. `'en'`: improves accuracy and latency. */
    language?: string;
    /** Hints for the transcription (vocabulary, style). */
    prompt?: string;
  } | null;
  /** default off */
  noiseReduction?: 'near_field' | 'far_field' | null;
  /** output speech speed, 0.25..1.5 */
  speed?: number;
  /** Functions the model may call (default none). */
  tools?: FunctionTool[];
  /** Whether the model may (`auto`, the default), may not, or must call a tool, or which one. */
  toolChoice?:
    | 'auto'
    | 'none'
    | 'required'
    | {
        /** Always `'function'`. */
        type: 'function';
        /** The name of one of `tools`. */
        name: string;
      };
  /** Most tokens of one response: an integer from 1 to 4096, or `'inf'` (the server's default). */
  maxOutputTokens?: number | 'inf';
  /**
   * 'azure': `/openai/v1/realtime?model=<deployment>` and an `api-key` header. Default: 'azure' for
   * hosts under `.openai.azure.com`, `.cognitiveservices.azure.com` and `.services.ai.azure.com`, else 'openai'.
   */
  provider?: 'openai' | 'azure';
}
