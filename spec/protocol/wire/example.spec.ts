import { openaiServerEvent } from '../../../src/testing/openaiServerEvent';
import { OpenAIServerEventCodecs, type OpenAIServerEvent } from '../../../src/protocol/openai/wire/index';
import { formatDecodeErrors } from '../../../src/protocol/decodeErrors';

const types = Object.keys(OpenAIServerEventCodecs) as OpenAIServerEvent['type'][];

describe('openaiServerEvent', () => {
  it.each(types)('makes a %s that its codec takes as it is', (type) => {
    const event = openaiServerEvent(type);
    const codec = OpenAIServerEventCodecs[type];
    const result = codec.decode(event);
    if (result._tag === 'Left') throw new Error(formatDecodeErrors(result.left));
    expect(result.right).toBe(event);
    expect(codec.is(event)).toBe(true);
    expect(event.type).toBe(type);
  });

  it('numbers event ids upwards, and leaves them out where the event has none', () => {
    const first = openaiServerEvent('input_audio_buffer.cleared');
    const second = openaiServerEvent('input_audio_buffer.cleared');
    const number = (id: string) => Number(/^event_(\d+)$/.exec(id)?.[1]);
    expect(number(second.event_id)).toBe(number(first.event_id) + 1);
    expect('event_id' in openaiServerEvent('input_audio_buffer.dtmf_event_received')).toBe(false);
  });

  it('uses the given fields over the defaults', () => {
    const delta = openaiServerEvent('response.output_audio.delta', {
      delta: 'AAAA',
      response_id: 'resp_9',
      event_id: 'e',
    });
    expect(delta).toEqual({
      type: 'response.output_audio.delta',
      event_id: 'e',
      response_id: 'resp_9',
      item_id: 'item_1',
      output_index: 0,
      content_index: 0,
      delta: 'AAAA',
    });
    const done = openaiServerEvent('response.done', { response: { id: 'resp_7', status: 'cancelled' } });
    expect(done.response).toEqual({ id: 'resp_7', status: 'cancelled' });
    expect(OpenAIServerEventCodecs['response.done'].is(done)).toBe(true);
  });

  it('gives each event fresh objects', () => {
    const a = openaiServerEvent('conversation.item.added');
    const b = openaiServerEvent('conversation.item.added');
    expect(a.item).toEqual(b.item);
    expect(a.item).not.toBe(b.item);
  });

  it('fills sensible defaults: ids, a server-reported session, a function call id', () => {
    expect(openaiServerEvent('session.created').session).toMatchObject({ type: 'realtime', id: 'sess_1' });
    expect(openaiServerEvent('response.function_call_arguments.done')).toMatchObject({
      call_id: 'call_1',
      item_id: 'item_1',
      response_id: 'resp_1',
    });
    expect(openaiServerEvent('error').error).toMatchObject({ type: 'invalid_request_error', message: '' });
  });
});
