// What a response says: the echo, the quote, or what a scripted user text asks for; cut to its budget.
import { imagesOf, textOf, type Item } from './items.js';
import type { Modality } from './params.js';
import { OUTPUT_AUDIO_MS_PER_TOKEN, textTokens } from './usage.js';
import { isObject, type Json } from './wire.js';

export const ECHO_TRANSCRIPT = '(echo)';

/** What one response will output. */
export type Reply =
  | { kind: 'audio'; speech: Float32Array; transcript: string }
  | { kind: 'text'; text: string }
  | { kind: 'function_call'; name: string; arguments: string }
  | { kind: 'failed'; message: string };

export interface ReplyRequest {
  /** The input the response answers (the latest user message or tool output of its context). */
  input: Item | undefined;
  modalities: readonly Modality[];
  /** The response's own instructions ('' when none): a reply mentions them. */
  instructions: string;
  /** The tools the response may call (its own, else the session's). */
  tools: readonly Json[];
  toolChoice: unknown;
  outputRate: number;
}

/**
 * The reply to `request.input`: a scripted command in a user text (`call <tool> <JSON>`, `fail
 * <message>`, acted on once), else its audio echoed when the response may speak, else a text quoting it.
 */
export function replyTo(request: ReplyRequest): Reply {
  const { input } = request;
  const script = input === undefined || input.scriptUsed === true ? undefined : scriptOf(input);
  if (script !== undefined) {
    input!.scriptUsed = true;
    if (script.kind === 'fail') return { kind: 'failed', message: script.message };
    const refusal = callRefusal(script, request);
    if (refusal === undefined)
      return { kind: 'function_call', name: script.name, arguments: script.arguments };
    return { kind: 'text', text: `I cannot call ${script.name}: ${refusal}.` };
  }
  const suffix = request.instructions === '' ? '' : ` (instructions: ${request.instructions})`;
  if (input?.audio !== undefined && input.audio.length > 0 && request.modalities.includes('audio'))
    return { kind: 'audio', speech: input.audio, transcript: ECHO_TRANSCRIPT + suffix };
  return { kind: 'text', text: quote(input, request.outputRate) + suffix };
}

type Script =
  { kind: 'call'; name: string; arguments: string; problem?: string } | { kind: 'fail'; message: string };

/** The command a user message's typed text gives, if any. */
function scriptOf(input: Item): Script | undefined {
  if (input.wire.type !== 'message' || input.wire.role !== 'user') return undefined;
  const typed = (input.wire.content as Json[])
    .map((part) => (part.type === 'input_text' ? String(part.text) : ''))
    .join('')
    .trim();
  const call = /^call\s+([\w-]{1,64})(?:\s+(\{[\s\S]*))?$/.exec(typed);
  if (call !== null) {
    const args = call[2]?.trim() ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      return { kind: 'call', name: call[1], arguments: args, problem: 'its arguments are not valid JSON' };
    }
    return isObject(parsed)
      ? { kind: 'call', name: call[1], arguments: args }
      : { kind: 'call', name: call[1], arguments: args, problem: 'its arguments are not a JSON object' };
  }
  const fail = /^fail(?:\s+([\s\S]*))?$/.exec(typed);
  if (fail !== null) return { kind: 'fail', message: fail[1]?.trim() || 'The response failed, as asked.' };
  return undefined;
}

/** Why the scripted call cannot be made, or undefined when it can. */
function callRefusal(script: Extract<Script, { kind: 'call' }>, request: ReplyRequest): string | undefined {
  if (script.problem !== undefined) return script.problem;
  if (request.toolChoice === 'none') return "tool_choice is 'none'";
  const forced = isObject(request.toolChoice) ? String(request.toolChoice.name) : undefined;
  if (forced !== undefined && forced !== script.name) return `tool_choice forces ${forced}`;
  if (!request.tools.some((tool) => tool.name === script.name))
    return 'no function tool of that name is declared in the session or the response';
  return undefined;
}

/** What a text reply says about the latest input. */
function quote(input: Item | undefined, outputRate: number): string {
  if (input === undefined) return 'You have not said anything yet.';
  if (input.wire.type === 'function_call_output')
    return `The function call ${String(input.wire.call_id)} returned: "${String(input.wire.output)}"`;
  const text = textOf(input);
  const images = imagesOf(input).length;
  if (images > 0) {
    const sent = images === 1 ? 'You sent an image' : `You sent ${images} images`;
    return text === '' ? `${sent}.` : `${sent} and said: "${text}"`;
  }
  if (text === '' && input.audio !== undefined)
    return `You said something (${(input.audio.length / outputRate).toFixed(2)} s of audio).`;
  return `You said: "${text}"`;
}

/**
 * `reply` cut to `maxOutputTokens` (by the token rule of usage.ts: a text keeps 4 characters per
 * token; a spoken reply keeps its transcript, then 50 ms of audio per token left), and whether it was cut.
 */
export function fitBudget(
  reply: Reply,
  maxOutputTokens: number | 'inf',
  outputRate: number,
): { reply: Reply; cut: boolean } {
  if (maxOutputTokens === 'inf') return { reply, cut: false };
  const max = maxOutputTokens;
  const cutText = (text: string) => (textTokens(text) > max ? text.slice(0, max * 4) : text);
  switch (reply.kind) {
    case 'text': {
      const text = cutText(reply.text);
      return { reply: { kind: 'text', text }, cut: text !== reply.text };
    }
    case 'function_call': {
      const args = cutText(reply.arguments);
      return { reply: { ...reply, arguments: args }, cut: args !== reply.arguments };
    }
    case 'audio': {
      const transcript = cutText(reply.transcript);
      const audioTokens = Math.max(0, max - textTokens(transcript));
      const samples = Math.floor((audioTokens * OUTPUT_AUDIO_MS_PER_TOKEN * outputRate) / 1000);
      const speech = reply.speech.length > samples ? reply.speech.subarray(0, samples) : reply.speech;
      return {
        reply: { kind: 'audio', speech, transcript },
        cut: transcript !== reply.transcript || speech !== reply.speech,
      };
    }
    case 'failed':
      return { reply, cut: false };
  }
}
