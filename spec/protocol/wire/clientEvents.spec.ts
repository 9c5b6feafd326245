import { OpenAIClientEventCodecs, type OpenAIClientEvent } from '../../../src/protocol/openai/wire/index';
import { itKeepsTheWireContract } from './contract';
import { clientEventExamples } from './examples';
import { decoded, errorOf } from './fields';

const types = Object.keys(OpenAIClientEventCodecs) as OpenAIClientEvent['type'][];

describe.each(types)('client event %s', (type) => {
  const codec = OpenAIClientEventCodecs[type];
  const example = clientEventExamples[type];

  it('is the example of its own type', () => {
    expect(example.type).toBe(type);
  });

  it('takes the event without its optional event_id', () => {
    const { event_id: _, ...bare } = example;
    expect(decoded(codec, bare)).toBe(bare);
  });

  itKeepsTheWireContract(codec, example);
});

describe('client event codecs in particular', () => {
  it('accept only padded base64 audio in input_audio_buffer.append', () => {
    const codec = OpenAIClientEventCodecs['input_audio_buffer.append'];
    expect(codec.is({ type: 'input_audio_buffer.append', audio: '' })).toBe(true);
    expect(errorOf(codec, { type: 'input_audio_buffer.append', audio: 'AAA' })).toBe(
      'audio: expected base64, got "AAA"',
    );
    expect(errorOf(codec, { type: 'input_audio_buffer.append', audio: 'AAAA====' })).toBe(
      'audio: expected base64, got "AAAA===="',
    );
  });

  it('name the inner path of a bad item to create', () => {
    const codec = OpenAIClientEventCodecs['conversation.item.create'];
    const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 5 }] };
    expect(errorOf(codec, { type: 'conversation.item.create', item })).toBe(
      'item.content.0.text: expected string, got 5',
    );
    expect(
      errorOf(codec, {
        type: 'conversation.item.create',
        item: { ...item, content: [{ type: 'output_text' }] },
      }),
    ).toBe('item.content.0.type: expected "input_text" | "input_audio" | "input_image", got "output_text"');
  });

  it('name a bad response parameter of response.create', () => {
    const codec = OpenAIClientEventCodecs['response.create'];
    expect(errorOf(codec, { type: 'response.create', response: { max_output_tokens: 'lots' } })).toBe(
      'response.max_output_tokens: expected "inf", got "lots"',
    );
    expect(errorOf(codec, { type: 'response.create', response: { tool_choice: 'sometimes' } })).toBe(
      'response.tool_choice: expected "none" | "auto" | "required", got "sometimes"',
    );
    expect(errorOf(codec, { type: 'response.create', response: { tool_choice: { type: 'function' } } })).toBe(
      'response.tool_choice.name: expected string, got undefined',
    );
    expect(errorOf(codec, { type: 'response.create', response: { output_modalities: ['video'] } })).toBe(
      'response.output_modalities.0: expected "text" | "audio", got "video"',
    );
  });

  it('name a session without its type at session.type', () => {
    const codec = OpenAIClientEventCodecs['session.update'];
    expect(errorOf(codec, { type: 'session.update', session: { instructions: 'Be brief.' } })).toBe(
      'session.type: expected "realtime" | "transcription", got undefined',
    );
  });
});
