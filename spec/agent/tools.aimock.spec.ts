// Tools against a server nobody here wrote: @copilotkit/aimock's OpenAI Realtime GA mock on 127.0.0.1.
// The session's tools come back in its session.updated (checked by our GA codecs), its fixture's tool
// call is answered by runTools, and its reply to the tool's result is what the model says next.
import { LLMock } from '@copilotkit/aimock';
import * as t from 'io-ts';
import type { Subscription } from 'rxjs';
import {
  connectConversation,
  defineTool,
  runTools,
  toolDefinitions,
  type Conversation,
} from '../../src/index';
import { closeConversation, record, waitFor } from '../helpers';

let mock: LLMock | undefined;
let conversation: Conversation | undefined;
let tools: Subscription | undefined;

afterEach(async () => {
  tools?.unsubscribe();
  tools = undefined;
  await closeConversation(conversation);
  conversation = undefined;
  await mock?.stop();
  mock = undefined;
});

describe('tools against aimock', () => {
  it('the session carries the tool definitions; a call is answered and the reply follows from the output', async () => {
    const weather = defineTool({
      name: 'get_weather',
      description: 'The current weather in a city',
      args: t.type({
        city: t.string,
        unit: t.union([t.keyof({ celsius: null, fahrenheit: null }), t.undefined]),
      }),
      run: ({ city }) => JSON.stringify({ city, celsius: 21 }),
    });
    mock = new LLMock({ port: 0, host: '127.0.0.1' });
    // The tool's result is the last message of the request that follows it.
    mock.onToolResult('call_weather_1', (request) => {
      const last = request.messages[request.messages.length - 1];
      return {
        content: `The tool said ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}`,
      };
    });
    mock.onMessage('weather', {
      toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    });
    await mock.start();
    conversation = connectConversation({
      url: `${mock.url}/v1`,
      apiKey: 'mock-key',
      session: { outputModalities: ['text'], tools: toolDefinitions([weather]) },
    });
    const events = record(conversation.events$).values;
    const serverEvents = record(conversation.serverEvents$).values as { type: string; session?: any }[];
    await waitFor(events, (e) => e.type === 'session.updated');
    tools = conversation.events$.pipe(runTools([weather])).subscribe(conversation.control);

    const updated = serverEvents.filter((e) => e.type === 'session.updated').pop();
    expect(updated?.session?.tools).toEqual(toolDefinitions([weather]));

    conversation.text.next('what is the weather?');
    const reply = await waitFor(
      events,
      (e) => e.type === 'transcript.done' && e.text.startsWith('The tool said'),
    );
    expect(reply).toMatchObject({ role: 'assistant', text: 'The tool said {"city":"Paris","celsius":21}' });
    // aimock leaves `name` out of response.function_call_arguments.done (see spec/peers/aimock.spec.ts);
    // nothing else is refused.
    expect(
      events.filter((e) => e.type === 'invalid').map((e) => (e as { messageType?: string }).messageType),
    ).toEqual(['response.function_call_arguments.done']);
  });
});
