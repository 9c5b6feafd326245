import { OpenAIConversationItemCodec } from '../../../src/protocol/openai/wire/index';
import { itKeepsTheWireContract } from './contract';
import { itemExamples } from './examples';
import { decoded, errorOf } from './fields';

describe.each(Object.entries(itemExamples))('conversation item: %s', (_, example) => {
  itKeepsTheWireContract(OpenAIConversationItemCodec, example);
});

describe('OpenAIConversationItemCodec', () => {
  const codec = OpenAIConversationItemCodec;

  it('reports an unknown or missing type once, at type', () => {
    expect(errorOf(codec, { type: 'item_reference', id: 'item_1' })).toBe(
      'type: expected "message" | "function_call" | "function_call_output" | "mcp_approval_response" | "mcp_list_tools" | "mcp_call" | "mcp_approval_request", got "item_reference"',
    );
    expect(errorOf(codec, { role: 'user', content: [] })).toMatch(
      /^type: expected "message" \| .*, got undefined$/,
    );
  });

  it('tells messages apart by role, and reports a bad role at role', () => {
    expect(errorOf(codec, { type: 'message', role: 'developer', content: [] })).toBe(
      'role: expected "system" | "user" | "assistant", got "developer"',
    );
    // Content types belong to their role: a system message takes input_text only.
    expect(
      errorOf(codec, { type: 'message', role: 'system', content: [{ type: 'output_text', text: 'x' }] }),
    ).toBe('content.0.type: expected "input_text", got "output_text"');
    expect(
      codec.is({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x' }] }),
    ).toBe(true);
  });

  it('names the path inside the member the tag selects, and nothing about the other members', () => {
    expect(errorOf(codec, { type: 'function_call', name: 'f', arguments: {} })).toBe(
      'arguments: expected string, got {}',
    );
    expect(errorOf(codec, { type: 'mcp_list_tools', server_label: 's', tools: [{ name: 'n' }] })).toBe(
      'tools.0.input_schema: expected any value, got undefined',
    );
  });

  it('accepts only padded base64 as content audio', () => {
    const audio = (value: string) => ({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_audio', audio: value }],
    });
    expect(codec.is(audio('AAAA'))).toBe(true);
    expect(errorOf(codec, audio('AAA'))).toBe('content.0.audio: expected base64, got "AAA"');
  });

  it('reads an input audio transcript of null (as the server sends it before transcribing) as absent', () => {
    const wire = { type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    expect(codec.is(wire)).toBe(false);
    expect(decoded(codec, wire)).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_audio' }],
    });
  });

  it('refuses what is not an object', () => {
    expect(errorOf(codec, 'message')).toBe('(root): expected ConversationItem, got "message"');
    expect(codec.is(['message'])).toBe(false);
  });
});
