import { OpenAIResponseCodec, OpenAIResponseParamsCodec } from '../../../src/protocol/openai/wire/index';
import { itKeepsTheWireContract } from './contract';
import { clientEventExamples, serverEventExamples } from './examples';
import { errorOf } from './fields';

describe('OpenAIResponseParamsCodec', () => {
  itKeepsTheWireContract(OpenAIResponseParamsCodec, clientEventExamples['response.create'].response);

  it('takes no parameters at all', () => {
    expect(OpenAIResponseParamsCodec.is({})).toBe(true);
  });

  it('names a bad input item by its index', () => {
    expect(
      errorOf(OpenAIResponseParamsCodec, { input: [{ type: 'function_call_output', call_id: 'c' }] }),
    ).toBe('input.0.output: expected string, got undefined');
  });

  it('takes metadata as string pairs only', () => {
    expect(OpenAIResponseParamsCodec.is({ metadata: null })).toBe(true);
    expect(errorOf(OpenAIResponseParamsCodec, { metadata: { n: 1 } })).toBe(
      'metadata.n: expected string, got 1',
    );
  });
});

describe('OpenAIResponseCodec', () => {
  itKeepsTheWireContract(OpenAIResponseCodec, serverEventExamples['response.done'].response);

  it('names a bad status and a bad status reason', () => {
    expect(errorOf(OpenAIResponseCodec, { status: 'stopped' })).toBe(
      'status: expected "completed" | "cancelled" | "failed" | "incomplete" | "in_progress", got "stopped"',
    );
    expect(errorOf(OpenAIResponseCodec, { status_details: { reason: 'timeout' } })).toBe(
      'status_details.reason: expected "turn_detected" | "client_cancelled" | "max_output_tokens" | "content_filter", got "timeout"',
    );
  });
});
