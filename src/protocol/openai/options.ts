/** Voices of the GA Realtime API. */
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
export type OpenAIVoice = (typeof OPENAI_VOICES)[number];

/** The only audio format realtime-rx frames carry: PCM16 little-endian. */
export interface PcmFormat {
  type: 'audio/pcm';
  /** Hz; the GA API takes 24 000. */
  rate: 24000;
}

export type TurnDetection =
  | {
      type: 'server_vad';
      /** 0..1, default 0.5 */
      threshold?: number;
      prefixPaddingMs?: number;
      silenceDurationMs?: number;
      idleTimeoutMs?: number;
      /** default true: the server answers each turn by itself */
      createResponse?: boolean;
      /** default true: the user's speech cancels the response being spoken */
      interruptResponse?: boolean;
    }
  | {
      type: 'semantic_vad';
      eagerness?: 'low' | 'medium' | 'high' | 'auto';
      createResponse?: boolean;
      interruptResponse?: boolean;
    };

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments */
  parameters?: Record<string, unknown>;
}

/**
 * The `session.update` of the openai dialect, camelCase; every field optional. `openaiDialect.prepare`
 * checks these before any socket (unknown keys included) and throws `RealtimeError('config')` naming the
 * option; milliseconds are non-negative integers, tool names match `^[a-zA-Z0-9_-]{1,64}$` and are unique.
 */
export interface OpenAISessionOptions {
  /** default 'marin' */
  voice?: OpenAIVoice;
  /**
   * default ['audio'] (audio with its transcript); ['text'] for text only. Exactly one of the two: the
   * GA API cannot answer in both at once.
   */
  outputModalities?: ('audio' | 'text')[];
  /** default {type:'audio/pcm', rate:24000} */
  inputFormat?: PcmFormat;
  /** default {type:'audio/pcm', rate:24000} */
  outputFormat?: PcmFormat;
  /** default {type:'server_vad'}; `null` turns it off (then the app commits turns and asks for responses) */
  turnDetection?: TurnDetection | null;
  /** transcribe the user's audio, e.g. {model:'gpt-4o-mini-transcribe'}; default off */
  inputTranscription?: { model: string; language?: string; prompt?: string } | null;
  /** default off */
  noiseReduction?: 'near_field' | 'far_field' | null;
  /** output speech speed, 0.25..1.5 */
  speed?: number;
  tools?: FunctionTool[];
  toolChoice?: 'auto' | 'none' | 'required' | { type: 'function'; name: string };
  maxOutputTokens?: number | 'inf';
  /**
   * 'azure': `/openai/v1/realtime?model=<deployment>` and an `api-key` header. Default: 'azure' for
   * hosts under `.openai.azure.com`, `.cognitiveservices.azure.com` and `.services.ai.azure.com`, else 'openai'.
   */
  provider?: 'openai' | 'azure';
}
