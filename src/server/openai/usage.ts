// Token counts (the dev server's stand-in rule, documented in docs/cli.md) and the rate limits they feed.
import type { Item } from './items.js';
import type { Json } from './wire.js';

/** A text's tokens: one per 4 characters, rounded up. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Audio the model hears (user audio, and earlier replies read back): one token per 100 ms. */
export function inputAudioTokens(ms: number): number {
  return Math.ceil(ms / 100);
}

/** Audio the model speaks: one token per 50 ms. */
export const OUTPUT_AUDIO_MS_PER_TOKEN = 50;
export function outputAudioTokens(ms: number): number {
  return Math.ceil(ms / OUTPUT_AUDIO_MS_PER_TOKEN);
}

/** An image: 85 tokens at `detail: 'low'`, 765 otherwise. */
export function imageTokens(detail: unknown): number {
  return detail === 'low' ? 85 : 765;
}

export interface InputTokens {
  text: number;
  audio: number;
  image: number;
}

export interface OutputTokens {
  text: number;
  audio: number;
}

/** What a response reads: its instructions, then every item of its context. */
export function inputTokens(instructions: string, context: readonly Item[], outputRate: number): InputTokens {
  const tokens: InputTokens = { text: textTokens(instructions), audio: 0, image: 0 };
  for (const item of context) {
    const wire = item.wire;
    if (wire.type === 'function_call') tokens.text += textTokens(String(wire.name) + String(wire.arguments));
    else if (wire.type === 'function_call_output') tokens.text += textTokens(String(wire.output));
    else {
      for (const part of wire.content as Json[]) {
        if (typeof part.text === 'string') tokens.text += textTokens(part.text);
        else if (part.type === 'input_image') tokens.image += imageTokens(part.detail);
      }
      const audioMs =
        item.audio !== undefined ? (item.audio.length / outputRate) * 1000 : (item.audioMs ?? 0);
      tokens.audio += inputAudioTokens(audioMs);
    }
  }
  return tokens;
}

export function total(input: InputTokens): number {
  return input.text + input.audio + input.image;
}

/** The GA `usage` object (no prompt caching: cached counts are 0). */
export function usageView(input: InputTokens, output: OutputTokens): Json {
  const inputTotal = total(input);
  const outputTotal = output.text + output.audio;
  return {
    total_tokens: inputTotal + outputTotal,
    input_tokens: inputTotal,
    output_tokens: outputTotal,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: input.image,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: output.text, audio_tokens: output.audio },
  };
}

const REQUESTS_PER_MINUTE = 5_000;
const TOKENS_PER_MINUTE = 400_000;
/** What a response with `max_output_tokens: 'inf'` reserves for its output. */
const UNBOUNDED_OUTPUT_RESERVE = 4_096;

/**
 * One connection's rate limits (they never refill: a dev session is short). Each response uses a
 * request and, while it runs, reserves its input tokens plus its output budget; once done, its
 * reservation becomes the tokens it used.
 */
export class RateLimits {
  private requests = 0;
  private used = 0;
  private readonly reserved = new Map<string, number>();

  /** A response starts: the `rate_limits` of its `rate_limits.updated`. */
  start(responseId: string, input: number, maxOutputTokens: number | 'inf'): Json[] {
    this.requests++;
    this.reserved.set(
      responseId,
      input + (maxOutputTokens === 'inf' ? UNBOUNDED_OUTPUT_RESERVE : maxOutputTokens),
    );
    let tokens = this.used;
    for (const reserve of this.reserved.values()) tokens += reserve;
    return [
      limit('requests', REQUESTS_PER_MINUTE, this.requests),
      limit('tokens', TOKENS_PER_MINUTE, tokens),
    ];
  }

  /** A response is done, having used `tokens`. */
  settle(responseId: string, tokens: number): void {
    this.reserved.delete(responseId);
    this.used += tokens;
  }
}

function limit(name: 'requests' | 'tokens', max: number, used: number): Json {
  const remaining = Math.max(0, max - used);
  // A per-minute limit that would refill evenly: the time until what is used is back.
  const resetSeconds = Math.round(((max - remaining) / max) * 60 * 1000) / 1000;
  return { name, limit: max, remaining, reset_seconds: resetSeconds };
}
