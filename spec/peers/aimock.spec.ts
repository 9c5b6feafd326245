// A server nobody here wrote: @copilotkit/aimock's OpenAI Realtime GA mock, on 127.0.0.1, as the peer
// of our client. Its events go through the same strict decoding as the real service's.
import { LLMock } from '@copilotkit/aimock';
import { connectConversation, type Conversation, type RealtimeEvent } from '../../src/index';
import { record, waitFor, closeConversation } from '../helpers';

let mock: LLMock | undefined;
let conversation: Conversation | undefined;

afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await mock?.stop();
  mock = undefined;
});

async function talkTo(fixtures: (mock: LLMock) => void) {
  mock = new LLMock({ port: 0, host: '127.0.0.1' });
  fixtures(mock);
  await mock.start();
  conversation = connectConversation({
    url: `${mock.url}/v1`,
    apiKey: 'mock-key',
    session: { outputModalities: ['text'], tools: [{ type: 'function', name: 'get_weather' }] },
  });
  const events = record(conversation.events$).values;
  const serverEvents = record(conversation.serverEvents$).values as { type: string; part?: unknown }[];
  await waitFor(events, (e) => e.type === 'session.updated');
  return { conversation, events, serverEvents };
}

const invalid = (events: RealtimeEvent[]) => events.filter((e) => e.type === 'invalid');

describe('our client against aimock (OpenAI Realtime GA)', () => {
  it('a text turn decodes cleanly: the transcript with its ids, the response with its status and usage', async () => {
    const { conversation, events, serverEvents } = await talkTo((m) =>
      m.onMessage('hello', { content: 'Hi there!' }),
    );
    conversation.text.next('hello');
    const done = await waitFor(events, (e) => e.type === 'response.done');
    const reply = events.find((e) => e.type === 'transcript.done') as RealtimeEvent & {
      type: 'transcript.done';
    };
    expect(reply).toMatchObject({ role: 'assistant', text: 'Hi there!' });
    expect(reply.responseId).toBe((done as { responseId: string }).responseId);
    expect(done).toMatchObject({ status: 'completed', usage: { totalTokens: expect.any(Number) } });
    // It names the content part's type as the item content does (output_text): read as the GA `text`.
    const part = serverEvents.find((e) => e.type === 'response.content_part.added');
    expect(part?.part).toMatchObject({ type: 'text' });
    expect(invalid(events)).toEqual([]);
  });

  it('a tool call is a tool.call with its item and response; its arguments.done without `name` is reported, not dropped silently', async () => {
    const { conversation, events } = await talkTo((m) =>
      m.onMessage('weather', { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] }),
    );
    conversation.text.next('what is the weather?');
    const call = (await waitFor(events, (e) => e.type === 'tool.call')) as RealtimeEvent & {
      type: 'tool.call';
    };
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(call.callId).toMatch(/^call_/);
    expect(call.itemId).toMatch(/^item_/);
    expect(call.responseId).toMatch(/^resp_/);
    await waitFor(events, (e) => e.type === 'response.done');
    // The GA schema requires `name` in response.function_call_arguments.done; aimock leaves it out.
    expect(invalid(events)).toEqual([
      {
        type: 'invalid',
        messageType: 'response.function_call_arguments.done',
        detail: 'name: expected string, got undefined',
      },
    ]);
  });
});
