import { OpenAIServerEventCodecs, type OpenAIServerEvent } from '../../../src/protocol/openai/wire/index';
import { itKeepsTheWireContract } from './contract';
import { AUDIO, serverEventExamples } from './examples';
import { decoded, edited, errorOf } from './fields';

const types = Object.keys(OpenAIServerEventCodecs) as OpenAIServerEvent['type'][];

describe.each(types)('server event %s', (type) => {
  const codec = OpenAIServerEventCodecs[type];
  const example = serverEventExamples[type];

  it('is the example of its own type', () => {
    expect(example.type).toBe(type);
  });

  it('refuses another type literal', () => {
    expect(errorOf(codec, { ...example, type: 'something.else' })).toMatch(/^type: expected "/);
  });

  itKeepsTheWireContract(codec, example);
});

describe('server event codecs in particular', () => {
  it('take session.created as the server really sends it: nulls in optional fields read as absent', () => {
    const created = serverEventExamples['session.created'];
    const wire = edited(
      edited(
        edited(created, ['session', 'audio', 'input', 'transcription'], null),
        ['session', 'include'],
        null,
      ),
      ['session', 'audio', 'input', 'noise_reduction'],
      null,
    );
    const codec = OpenAIServerEventCodecs['session.created'];
    expect(codec.is(wire)).toBe(false);
    expect(decoded(codec, wire)).toEqual(created);
  });

  it('take response.created as the server really sends it: status_details, usage and metadata null', () => {
    const created = serverEventExamples['response.created'];
    const wire = {
      ...created,
      response: { ...created.response, status_details: null, usage: null, metadata: null },
    };
    const codec = OpenAIServerEventCodecs['response.created'];
    expect(codec.is(wire)).toBe(false);
    const result = decoded(codec, wire) as typeof created;
    expect(result.response.status_details).toBeUndefined();
    expect(result.response.usage).toBeUndefined();
    // metadata is declared `| null`: kept.
    expect(result.response.metadata).toBeNull();
  });

  it('accept only padded base64 in audio deltas, GA and beta', () => {
    for (const type of ['response.output_audio.delta', 'response.audio.delta'] as const) {
      const codec = OpenAIServerEventCodecs[type];
      const example = serverEventExamples[type];
      expect(codec.is({ ...example, delta: AUDIO })).toBe(true);
      for (const bad of ['AAA', 'AA=A', 'AAAA-_AA', 'not base64!']) {
        expect(codec.is({ ...example, delta: bad })).toBe(false);
        expect(errorOf(codec, { ...example, delta: bad })).toBe(`delta: expected base64, got "${bad}"`);
      }
    }
  });

  it('check the output audio delta with plain property checks (no union, no intersection)', () => {
    const codec = OpenAIServerEventCodecs['response.output_audio.delta'];
    expect(codec._tag).toBe('InterfaceType');
    expect(Object.keys(codec.props).sort()).toEqual(
      ['content_index', 'delta', 'event_id', 'item_id', 'output_index', 'response_id', 'type'].sort(),
    );
  });

  it('name the inner path of a bad item, and an unknown item type at item.type', () => {
    const codec = OpenAIServerEventCodecs['conversation.item.done'];
    const example = serverEventExamples['conversation.item.done'];
    expect(errorOf(codec, edited(example, ['item', 'content', 1, 'text'], 5))).toBe(
      'item.content.1.text: expected string, got 5',
    );
    expect(errorOf(codec, edited(example, ['item', 'type'], 'reasoning'))).toBe(
      'item.type: expected "message" | "function_call" | "function_call_output" | "mcp_approval_response" | "mcp_list_tools" | "mcp_call" | "mcp_approval_request", got "reasoning"',
    );
    expect(errorOf(codec, edited(example, ['item', 'role'], 'tool'))).toBe(
      'item.role: expected "system" | "user" | "assistant", got "tool"',
    );
  });

  it('tell transcription usage apart by type', () => {
    const codec = OpenAIServerEventCodecs['conversation.item.input_audio_transcription.completed'];
    const example = serverEventExamples['conversation.item.input_audio_transcription.completed'];
    expect(codec.is({ ...example, usage: { type: 'duration', seconds: 2.5 } })).toBe(true);
    expect(errorOf(codec, { ...example, usage: { type: 'duration', seconds: '2.5' } })).toBe(
      'usage.seconds: expected number, got "2.5"',
    );
    expect(errorOf(codec, { ...example, usage: { type: 'minutes' } })).toBe(
      'usage.type: expected "tokens" | "duration", got "minutes"',
    );
  });

  it('tell MCP call errors apart by type', () => {
    const codec = OpenAIServerEventCodecs['response.output_item.done'];
    const example = serverEventExamples['response.output_item.done'];
    const call = { id: 'mcp_1', type: 'mcp_call', server_label: 's', name: 'n', arguments: '{}' };
    expect(
      codec.is({
        ...example,
        item: { ...call, error: { type: 'protocol_error', code: -32600, message: 'x' } },
      }),
    ).toBe(true);
    expect(errorOf(codec, { ...example, item: { ...call, error: { type: 'tool_execution_error' } } })).toBe(
      'item.error.message: expected string, got undefined',
    );
  });

  it('keep a response.cancelled with nothing but its type', () => {
    const codec = OpenAIServerEventCodecs['response.cancelled'];
    const bare = { type: 'response.cancelled' };
    expect(decoded(codec, bare)).toBe(bare);
    expect(decoded(codec, { type: 'response.cancelled', response_id: 'resp_1' })).toEqual({
      type: 'response.cancelled',
      response_id: 'resp_1',
    });
  });

  it('refuse what is not an object', () => {
    for (const type of types) {
      expect(OpenAIServerEventCodecs[type].is(null)).toBe(false);
      expect(errorOf(OpenAIServerEventCodecs[type], [])).toMatch(/^\(root\): expected /);
    }
  });
});
