import { openaiDialect } from '../../src/protocol/openai';
import type { SessionParams } from '../../src/protocol/dialect';

const first = (params: Partial<SessionParams>) =>
  openaiDialect
    .prepare({ url: 'https://api.openai.com/v1', ...params })
    .newSession()
    .sessionMessage();

describe('openai session.update', () => {
  it('is the GA default for a default session', () => {
    expect(first({})).toBe(
      '{"type":"session.update","session":{"type":"realtime","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":{"type":"server_vad"}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin"}}}}',
    );
  });

  it('carries the prompt as instructions, even an empty one, and never the model', () => {
    expect(first({ prompt: 'Be brief.', model: 'gpt-realtime-mini' })).toBe(
      '{"type":"session.update","session":{"type":"realtime","instructions":"Be brief.","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":{"type":"server_vad"}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin"}}}}',
    );
    expect(first({ prompt: '' })).toContain('"instructions":""');
  });

  it('is exact for a fully configured session, keys in a fixed order', () => {
    const message = first({
      prompt: 'Say "hi"',
      session: {
        // the options object lists keys in another order than the wire: the wire order must not follow it
        maxOutputTokens: 'inf',
        toolChoice: { type: 'function', name: 'lookup' },
        tools: [
          {
            parameters: { type: 'object', properties: {} },
            description: 'Look it up',
            name: 'lookup',
            type: 'function',
          },
          { type: 'function', name: 'noop' },
        ],
        speed: 1.25,
        noiseReduction: 'near_field',
        inputTranscription: { prompt: 'names', language: 'fr', model: 'gpt-4o-mini-transcribe' },
        turnDetection: {
          interruptResponse: false,
          createResponse: true,
          idleTimeoutMs: 6000,
          silenceDurationMs: 500,
          prefixPaddingMs: 300,
          threshold: 0.6,
          type: 'server_vad',
        },
        outputFormat: { type: 'audio/pcm', rate: 24000 },
        inputFormat: { type: 'audio/pcm', rate: 24000 },
        outputModalities: ['text'],
        voice: 'cedar',
      },
    });
    expect(message).toBe(
      '{"type":"session.update","session":{"type":"realtime","instructions":"Say \\"hi\\"","output_modalities":["text"],' +
        '"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-4o-mini-transcribe","language":"fr","prompt":"names"},' +
        '"noise_reduction":{"type":"near_field"},"turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":300,"silence_duration_ms":500,' +
        '"idle_timeout_ms":6000,"create_response":true,"interrupt_response":false}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"cedar","speed":1.25}},' +
        '"tools":[{"type":"function","name":"lookup","description":"Look it up","parameters":{"type":"object","properties":{}}},{"type":"function","name":"noop"}],' +
        '"tool_choice":{"type":"function","name":"lookup"},"max_output_tokens":"inf"}}',
    );
  });

  it('maps semantic_vad', () => {
    expect(
      first({
        session: { turnDetection: { type: 'semantic_vad', eagerness: 'low', interruptResponse: true } },
      }),
    ).toContain('"turn_detection":{"type":"semantic_vad","eagerness":"low","interrupt_response":true}}');
  });

  it('sends turn_detection null when it is turned off, and omits other nulls', () => {
    expect(first({ session: { turnDetection: null, inputTranscription: null, noiseReduction: null } })).toBe(
      '{"type":"session.update","session":{"type":"realtime","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":null},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin"}}}}',
    );
  });

  it('sends a string tool_choice and a numeric max_output_tokens as they are', () => {
    const message = JSON.parse(first({ session: { toolChoice: 'none', maxOutputTokens: 200 } })) as {
      session: Record<string, unknown>;
    };
    expect(message.session.tool_choice).toBe('none');
    expect(message.session.max_output_tokens).toBe(200);
  });

  it('never sends model, null, OpenAI-Beta shapes or beta field names', () => {
    const message = first({ prompt: 'p', model: 'm', session: { voice: 'ash' } });
    expect(message).not.toContain('"model"');
    expect(message).not.toContain('null');
    expect(message).not.toMatch(/"modalities"|input_audio_format|"voice":"ash".*"voice"/);
  });

  it('is the same for every socket of a conversation', () => {
    const plan = openaiDialect.prepare({ url: 'https://api.openai.com', prompt: 'x' });
    expect(plan.newSession().sessionMessage()).toBe(plan.newSession().sessionMessage());
  });
});
