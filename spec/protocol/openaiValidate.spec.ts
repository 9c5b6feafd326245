import { openaiDialect } from '../../src/protocol/openai';
import { validateSessionOptions } from '../../src/protocol/openai/validate';
import { RealtimeError } from '../../src/protocol/errors';

function messageFor(session: unknown): string {
  try {
    openaiDialect.prepare({ url: 'https://api.openai.com', session: session as never });
  } catch (error) {
    if (error instanceof RealtimeError && error.kind === 'config') return error.message;
    throw error;
  }
  throw new Error('expected a config RealtimeError');
}

const VOICES = 'alloy, ash, ballad, coral, echo, sage, shimmer, verse, marin, cedar';
const FORMATS = '{type: "audio/pcm", rate: 24000}, {type: "audio/pcmu"} or {type: "audio/pcma"}';

describe('openai session options: valid ones pass', () => {
  it.each([
    ['nothing', undefined],
    ['empty', {}],
    ['telephony', { inputFormat: { type: 'audio/pcmu' }, outputFormat: { type: 'audio/pcma' } }],
    ['idle timeout at the top of its range', { turnDetection: { type: 'server_vad', idleTimeoutMs: 30000 } }],
    [
      'everything',
      {
        voice: 'cedar',
        outputModalities: ['text'],
        inputFormat: { type: 'audio/pcm', rate: 24000 },
        outputFormat: { type: 'audio/pcm', rate: 24000 },
        turnDetection: {
          type: 'server_vad',
          threshold: 0,
          prefixPaddingMs: 0,
          silenceDurationMs: 500,
          idleTimeoutMs: 5000,
          createResponse: false,
          interruptResponse: true,
        },
        inputTranscription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'p' },
        noiseReduction: 'far_field',
        speed: 1.5,
        tools: [
          { type: 'function', name: 'a_b-1', description: 'd', parameters: { type: 'object' } },
          { type: 'function', name: 'z' },
        ],
        toolChoice: { type: 'function', name: 'z' },
        maxOutputTokens: 4096,
        provider: 'openai',
      },
    ],
    ['semantic vad', { turnDetection: { type: 'semantic_vad', eagerness: 'auto', createResponse: true } }],
    ['nulls', { turnDetection: null, inputTranscription: null, noiseReduction: null }],
    ['edges', { speed: 0.25, maxOutputTokens: 1, turnDetection: { type: 'server_vad', threshold: 1 } }],
    ['inf tokens', { maxOutputTokens: 'inf', toolChoice: 'required' }],
  ])('%s', (_name, session) => {
    expect(() => validateSessionOptions(session)).not.toThrow();
  });
});

describe('openai session options: each problem has its message', () => {
  it.each([
    ['not an object', 'marin', 'session must be an object (OpenAISessionOptions), got "marin"'],
    [
      'unknown option',
      { voise: 'marin' },
      'unknown session option "voise"; known options: voice, outputModalities, inputFormat, outputFormat, turnDetection, inputTranscription, noiseReduction, speed, tools, toolChoice, maxOutputTokens, provider',
    ],
    ['bad voice', { voice: 'bogus' }, `voice "bogus" is not supported; supported voices: ${VOICES}`],
    ['non-string voice', { voice: 3 }, `voice 3 is not supported; supported voices: ${VOICES}`],
    [
      'both modalities',
      { outputModalities: ['audio', 'text'] },
      'outputModalities must be ["audio"] or ["text"], got ["audio","text"]: the GA API answers in one modality at a time (audio comes with its transcript)',
    ],
    [
      'no modality',
      { outputModalities: [] },
      'outputModalities must be ["audio"] or ["text"], got []: the GA API answers in one modality at a time (audio comes with its transcript)',
    ],
    [
      'bad modality',
      { outputModalities: ['video'] },
      'outputModalities must be ["audio"] or ["text"], got ["video"]: the GA API answers in one modality at a time (audio comes with its transcript)',
    ],
    [
      'input rate',
      { inputFormat: { type: 'audio/pcm', rate: 16000 } },
      `inputFormat must be ${FORMATS}, got {"type":"audio/pcm","rate":16000}`,
    ],
    [
      'output g711 with a rate',
      { outputFormat: { type: 'audio/pcmu', rate: 8000 } },
      `outputFormat must be ${FORMATS}, got {"type":"audio/pcmu","rate":8000}`,
    ],
    [
      'turn detection type',
      { turnDetection: { type: 'push_to_talk' } },
      'turnDetection must be {type: "server_vad", ...}, {type: "semantic_vad", ...} or null, got {"type":"push_to_talk"}',
    ],
    [
      'threshold high',
      { turnDetection: { type: 'server_vad', threshold: 1.5 } },
      'turnDetection.threshold must be a number from 0 to 1, got 1.5',
    ],
    [
      'threshold low',
      { turnDetection: { type: 'server_vad', threshold: -0.1 } },
      'turnDetection.threshold must be a number from 0 to 1, got -0.1',
    ],
    [
      'negative ms',
      { turnDetection: { type: 'server_vad', prefixPaddingMs: -1 } },
      'turnDetection.prefixPaddingMs must be a non-negative integer (milliseconds), got -1',
    ],
    [
      'fractional ms',
      { turnDetection: { type: 'server_vad', silenceDurationMs: 2.5 } },
      'turnDetection.silenceDurationMs must be a non-negative integer (milliseconds), got 2.5',
    ],
    [
      'idle ms',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: '5' } },
      'turnDetection.idleTimeoutMs must be an integer from 5000 to 30000 (milliseconds), got "5"',
    ],
    [
      'idle ms below the range',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 1000 } },
      'turnDetection.idleTimeoutMs must be an integer from 5000 to 30000 (milliseconds), got 1000',
    ],
    [
      'idle ms above the range',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 60000 } },
      'turnDetection.idleTimeoutMs must be an integer from 5000 to 30000 (milliseconds), got 60000',
    ],
    [
      'boolean',
      { turnDetection: { type: 'semantic_vad', createResponse: 'yes' } },
      'turnDetection.createResponse must be a boolean, got "yes"',
    ],
    [
      'eagerness',
      { turnDetection: { type: 'semantic_vad', eagerness: 'fast' } },
      'turnDetection.eagerness must be one of low, medium, high, auto, got "fast"',
    ],
    [
      'server option on semantic',
      { turnDetection: { type: 'semantic_vad', threshold: 0.5 } },
      'turnDetection.threshold is not an option of semantic_vad; its options: eagerness, createResponse, interruptResponse',
    ],
    [
      'semantic option on server',
      { turnDetection: { type: 'server_vad', eagerness: 'low' } },
      'turnDetection.eagerness is not an option of server_vad; its options: threshold, prefixPaddingMs, silenceDurationMs, idleTimeoutMs, createResponse, interruptResponse',
    ],
    [
      'transcription shape',
      { inputTranscription: 'whisper-1' },
      'inputTranscription must be {model, language?, prompt?} or null, got "whisper-1"',
    ],
    [
      'transcription model',
      { inputTranscription: { model: '' } },
      'inputTranscription.model must be a non-empty string (e.g. "gpt-4o-mini-transcribe"), got ""',
    ],
    [
      'transcription language',
      { inputTranscription: { model: 'm', language: 1 } },
      'inputTranscription.language must be a string, got 1',
    ],
    [
      'transcription key',
      { inputTranscription: { model: 'm', lang: 'en' } },
      'inputTranscription.lang is not an option; its options: model, language, prompt',
    ],
    [
      'noise reduction',
      { noiseReduction: 'studio' },
      'noiseReduction must be "near_field", "far_field" or null, got "studio"',
    ],
    ['speed high', { speed: 2 }, 'speed must be a number from 0.25 to 1.5, got 2'],
    ['speed low', { speed: 0.2 }, 'speed must be a number from 0.25 to 1.5, got 0.2'],
    ['speed NaN', { speed: Number.NaN }, 'speed must be a number from 0.25 to 1.5, got null'],
    ['tools shape', { tools: {} }, 'tools must be an array of function tools, got {}'],
    [
      'tool shape',
      { tools: [null] },
      'tools[0] must be a function tool {type: "function", name, description?, parameters?}, got null',
    ],
    ['tool type', { tools: [{ type: 'mcp', name: 'x' }] }, 'tools[0].type must be "function", got "mcp"'],
    [
      'tool name',
      { tools: [{ type: 'function', name: 'bad name' }] },
      'tools[0].name must match ^[a-zA-Z0-9_-]{1,64}$, got "bad name"',
    ],
    [
      'tool name long',
      { tools: [{ type: 'function', name: 'a'.repeat(65) }] },
      `tools[0].name must match ^[a-zA-Z0-9_-]{1,64}$, got "${'a'.repeat(39)}…`,
    ],
    [
      'duplicate tool',
      {
        tools: [
          { type: 'function', name: 'x' },
          { type: 'function', name: 'y' },
          { type: 'function', name: 'x' },
        ],
      },
      'tools[2].name "x" is already the name of tools[0]: tool names must be unique',
    ],
    [
      'tool description',
      { tools: [{ type: 'function', name: 'x', description: 5 }] },
      'tools[0].description must be a string, got 5',
    ],
    [
      'tool parameters',
      { tools: [{ type: 'function', name: 'x', parameters: [] }] },
      'tools[0].parameters must be a JSON Schema object, got []',
    ],
    [
      'tool extra field',
      { tools: [{ type: 'function', name: 'x', strict: true }] },
      'tools[0].strict is not a field of a function tool; its fields: type, name, description, parameters',
    ],
    [
      'tool choice shape',
      { toolChoice: 'sometimes' },
      'toolChoice must be "auto", "none", "required" or {type: "function", name}, got "sometimes"',
    ],
    [
      'tool choice missing',
      { tools: [{ type: 'function', name: 'x' }], toolChoice: { type: 'function', name: 'y' } },
      'toolChoice names the tool "y", which is not in tools',
    ],
    [
      'tool choice without tools',
      { toolChoice: { type: 'function', name: 'y' } },
      'toolChoice names the tool "y", which is not in tools',
    ],
    [
      'tokens zero',
      { maxOutputTokens: 0 },
      'maxOutputTokens must be an integer from 1 to 4096 or "inf", got 0',
    ],
    [
      'tokens high',
      { maxOutputTokens: 4097 },
      'maxOutputTokens must be an integer from 1 to 4096 or "inf", got 4097',
    ],
    [
      'tokens fraction',
      { maxOutputTokens: 1.5 },
      'maxOutputTokens must be an integer from 1 to 4096 or "inf", got 1.5',
    ],
    [
      'tokens string',
      { maxOutputTokens: 'infinite' },
      'maxOutputTokens must be an integer from 1 to 4096 or "inf", got "infinite"',
    ],
    ['provider', { provider: 'aws' }, 'provider must be "openai" or "azure", got "aws"'],
  ])('%s', (_name, session, message) => {
    expect(messageFor(session)).toBe(message);
  });
});
