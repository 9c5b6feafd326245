import { OpenAIWireSessionCodec } from '../../../src/protocol/openai/wire/index';
import { itKeepsTheWireContract } from './contract';
import { fullSession, transcriptionSession } from './examples';
import { decoded, errorOf } from './fields';

describe('OpenAIWireSessionCodec: a conversation session with every field', () => {
  itKeepsTheWireContract(OpenAIWireSessionCodec, fullSession);
});

describe('OpenAIWireSessionCodec: a transcription session', () => {
  itKeepsTheWireContract(OpenAIWireSessionCodec, transcriptionSession);
});

describe('OpenAIWireSessionCodec', () => {
  const codec = OpenAIWireSessionCodec;
  const withInput = (input: unknown) => ({ type: 'realtime', audio: { input } });

  it('is discriminated by type', () => {
    expect(codec.is({ type: 'realtime' })).toBe(true);
    expect(codec.is({ type: 'transcription' })).toBe(true);
    expect(errorOf(codec, { type: 'translation' })).toBe(
      'type: expected "realtime" | "transcription", got "translation"',
    );
    // A transcription session has no output audio, but extra fields are kept: not an error.
    expect(codec.is({ type: 'transcription', audio: { output: { voice: 5 } } })).toBe(true);
  });

  it('takes every audio format, tagged or not, and names a bad one at its type', () => {
    for (const format of [
      { type: 'audio/pcm', rate: 24000 },
      { type: 'audio/pcmu' },
      { type: 'audio/pcma' },
      {},
      { rate: 24000 },
    ]) {
      expect(codec.is(withInput({ format }))).toBe(true);
    }
    expect(errorOf(codec, withInput({ format: { type: 'audio/opus' } }))).toBe(
      'audio.input.format.type: expected "audio/pcm" | "audio/pcmu" | "audio/pcma", got "audio/opus"',
    );
    expect(errorOf(codec, withInput({ format: { type: 'audio/pcm', rate: 16000 } }))).toBe(
      'audio.input.format.rate: expected 24000, got 16000',
    );
    expect(errorOf(codec, withInput({ format: 'pcm16' }))).toBe(
      'audio.input.format: expected RealtimeAudioFormats, got "pcm16"',
    );
  });

  it('reads a format whose type is null as untagged', () => {
    const wire = withInput({ format: { type: null, rate: 24000 } });
    expect(codec.is(wire)).toBe(false);
    expect(decoded(codec, wire)).toEqual(withInput({ format: { rate: 24000 } }));
  });

  it('takes turn detection of either kind, or null, and names a bad field inside it', () => {
    expect(codec.is(withInput({ turn_detection: null }))).toBe(true);
    expect(codec.is(withInput({ turn_detection: { type: 'server_vad', idle_timeout_ms: null } }))).toBe(true);
    expect(errorOf(codec, withInput({ turn_detection: { type: 'semantic_vad', eagerness: 'eager' } }))).toBe(
      'audio.input.turn_detection.eagerness: expected "low" | "medium" | "high" | "auto", got "eager"',
    );
    expect(errorOf(codec, withInput({ turn_detection: { threshold: 0.5 } }))).toBe(
      'audio.input.turn_detection.type: expected "server_vad" | "semantic_vad", got undefined',
    );
  });

  it('takes a tool without a type as a function tool, and names a bad MCP tool field', () => {
    expect(codec.is({ type: 'realtime', tools: [{ name: 'get_weather', parameters: {} }] })).toBe(true);
    expect(errorOf(codec, { type: 'realtime', tools: [{ type: 'mcp' }] })).toBe(
      'tools.0.server_label: expected string, got undefined',
    );
    expect(errorOf(codec, { type: 'realtime', tools: [{ type: 'web_search' }] })).toBe(
      'tools.0.type: expected "function" | "mcp", got "web_search"',
    );
    expect(errorOf(codec, { type: 'realtime', tools: [{ name: 5 }] })).toBe(
      'tools.0.name: expected string, got 5',
    );
    expect(
      errorOf(codec, {
        type: 'realtime',
        tools: [{ type: 'mcp', server_label: 's', require_approval: 'sometimes' }],
      }),
    ).toBe('tools.0.require_approval: expected "always" | "never", got "sometimes"');
  });

  it('tells the kinds of tool choice, tracing, truncation and voice apart', () => {
    for (const session of [
      { tool_choice: 'required' },
      { tool_choice: { type: 'mcp', server_label: 'deepwiki', name: null } },
      { tracing: 'auto' },
      { tracing: null },
      { truncation: 'disabled' },
      { max_output_tokens: 'inf' },
      { audio: { output: { voice: 'cedar' } } },
      { audio: { output: { voice: { id: 'voice_1' } } } },
    ]) {
      expect(codec.is({ type: 'realtime', ...session })).toBe(true);
    }
    expect(errorOf(codec, { type: 'realtime', tracing: 'manual' })).toBe(
      'tracing: expected "auto" | RealtimeTracingConfig.TracingConfiguration | null, got "manual"',
    );
    expect(errorOf(codec, withInput({ turn_detection: 'server_vad' }))).toBe(
      'audio.input.turn_detection: expected RealtimeAudioInputTurnDetection | null, got "server_vad"',
    );
    expect(errorOf(codec, { type: 'realtime', tracing: true })).toMatch(/^tracing: expected /);
    expect(errorOf(codec, { type: 'realtime', truncation: { type: 'retention_ratio' } })).toBe(
      'truncation.retention_ratio: expected number, got undefined',
    );
    expect(errorOf(codec, { type: 'realtime', audio: { output: { voice: {} } } })).toBe(
      'audio.output.voice.id: expected string, got undefined',
    );
  });

  it('names a bad prompt variable by its path', () => {
    const prompt = (value: unknown) => ({
      type: 'realtime',
      prompt: { id: 'pmpt_1', variables: { v: value } },
    });
    expect(codec.is(prompt('text'))).toBe(true);
    expect(errorOf(codec, prompt({ type: 'input_image' }))).toBe(
      'prompt.variables.v.detail: expected "low" | "high" | "auto" | "original", got undefined',
    );
    expect(errorOf(codec, prompt(5))).toMatch(/^prompt\.variables\.v: expected string \| /);
  });
});
