// Tools end to end against the dev server, over real sockets on 127.0.0.1: the session declares the
// tools (the server checks them), the server's scripted function call comes as a tool.call, runTools
// answers it on the control lane, and the server's next reply quotes the output.
import * as t from 'io-ts';
import { tap, type Subscription } from 'rxjs';
import {
  defineTool,
  runTools,
  toolDefinitions,
  type Conversation,
  type RealtimeControl,
} from '../../src/index';
import { connectConversation, pcm16ToBase64, type RealtimeEvent } from '../../src/index';
import { startDevServer, type DevServer } from '../../src/testing';
import { closeConversation, record, waitFor } from '../helpers';

let server: DevServer | undefined;
let conversation: Conversation | undefined;
let tools: Subscription | undefined;

afterEach(async () => {
  tools?.unsubscribe();
  tools = undefined;
  await closeConversation(conversation);
  conversation = undefined;
  await server?.close();
  server = undefined;
});

const Weather = t.type({
  city: t.string,
  unit: t.union([t.keyof({ celsius: null, fahrenheit: null }), t.undefined]),
  days: t.union([t.Int, t.undefined]),
});

const assistantText = (events: RealtimeEvent[]) =>
  events.flatMap((e) => (e.type === 'transcript.done' && e.role === 'assistant' ? [e.text] : []));

describe('tools against the dev server', () => {
  it('call get_weather {"city":"Paris"}: the tool runs, its output goes back, the reply quotes it', async () => {
    const weather = defineTool({
      name: 'get_weather',
      description: 'The current weather in a city',
      args: Weather,
      run: ({ city }) => JSON.stringify({ city, celsius: 21 }),
    });
    const time = defineTool({ name: 'get_time', args: t.type({}), run: () => 'noon' });
    server = await startDevServer({ dialect: 'openai' });
    conversation = connectConversation({
      url: server.url,
      session: { outputModalities: ['text'], tools: toolDefinitions([weather, time]) },
    });
    const events = record(conversation.events$).values;
    await waitFor(events, (e) => e.type === 'session.updated');
    const outputs: RealtimeControl[] = [];
    tools = conversation.events$
      .pipe(
        runTools([weather, time]),
        tap((control) => outputs.push(control)),
      )
      .subscribe(conversation.control);

    conversation.text.next('call get_weather {"city":"Paris"}');
    const call = (await waitFor(events, (e) => e.type === 'tool.call')) as RealtimeEvent & {
      type: 'tool.call';
    };
    const reply = await waitFor(events, (e) => e.type === 'transcript.done' && e.text.includes('returned'));
    expect(reply).toMatchObject({
      role: 'assistant',
      text: `The function call ${call.callId} returned: "{"city":"Paris","celsius":21}"`,
    });
    expect(outputs).toEqual([
      { type: 'tool.output', callId: call.callId, output: '{"city":"Paris","celsius":21}', respond: true },
    ]);
    expect(events.filter((e) => e.type === 'invalid' || e.type === 'error')).toEqual([]);
  });

  it('bad arguments: the decode error is the output the model reads; the tool does not run', async () => {
    let runs = 0;
    const weather = defineTool({
      name: 'get_weather',
      args: Weather,
      run: () => {
        runs++;
        return 'never';
      },
    });
    server = await startDevServer({ dialect: 'openai' });
    conversation = connectConversation({
      url: server.url,
      session: { outputModalities: ['text'], tools: toolDefinitions([weather]) },
    });
    const events = record(conversation.events$).values;
    await waitFor(events, (e) => e.type === 'session.updated');
    tools = conversation.events$.pipe(runTools([weather])).subscribe(conversation.control);

    conversation.text.next('call get_weather {"city":"Paris","days":1.5}');
    await waitFor(events, (e) => e.type === 'transcript.done' && e.text.includes('returned'));
    expect(assistantText(events).join('\n')).toContain(
      'returned: "Invalid arguments for get_weather: days: expected Int, got 1.5"',
    );
    expect(runs).toBe(0);
  });

  it('a slow tool stopped by barge-in: the user speaks, its signal aborts, nothing is sent', async () => {
    const signals: AbortSignal[] = [];
    const weather = defineTool({
      name: 'get_weather',
      args: Weather,
      // Answers only when aborted, which must not reach the model.
      run: (_args, { signal }) => {
        signals.push(signal);
        return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted')));
      },
    });
    server = await startDevServer({ dialect: 'openai' });
    conversation = connectConversation({
      url: server.url,
      session: { outputModalities: ['text'], tools: toolDefinitions([weather]) },
    });
    const events = record(conversation.events$).values;
    await waitFor(events, (e) => e.type === 'session.updated');
    const outputs: RealtimeControl[] = [];
    tools = conversation.events$
      .pipe(
        runTools([weather]),
        tap((control) => outputs.push(control)),
      )
      .subscribe(conversation.control);

    conversation.text.next('call get_weather {"city":"Paris"}');
    await waitFor(events, (e) => e.type === 'tool.call');
    await waitFor(events, (e) => e.type === 'response.done');
    expect(signals.map((s) => s.aborted)).toEqual([false]);

    // 400 ms of a tone, then silence: server VAD hears the user start talking.
    for (let ms = 0; ms < 1000; ms += 20) {
      const pcm = new Int16Array(480);
      if (ms < 400)
        for (let i = 0; i < pcm.length; i++)
          pcm[i] = Math.round(9000 * Math.sin((2 * Math.PI * 200 * i) / 24_000));
      conversation.audio.next({ data: pcm16ToBase64(pcm), sampleRate: 24_000, numChannels: 1 });
    }
    await waitFor(events, (e) => e.type === 'speech.started');
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    // The user's turn is answered; the tool never is.
    await waitFor(
      events,
      (e) => e.type === 'transcript.done' && e.role === 'assistant' && e.text.includes('audio'),
    );
    expect(outputs).toEqual([]);
    expect(assistantText(events).some((text) => text.includes('returned'))).toBe(false);
  });

  it('a tool running when the conversation closes is aborted', async () => {
    const signals: AbortSignal[] = [];
    const weather = defineTool({
      name: 'get_weather',
      args: Weather,
      run: (_args, { signal }) => {
        signals.push(signal);
        return new Promise<string>(() => undefined);
      },
    });
    server = await startDevServer({ dialect: 'openai' });
    conversation = connectConversation({
      url: server.url,
      session: { outputModalities: ['text'], tools: toolDefinitions([weather]) },
    });
    const events = record(conversation.events$).values;
    await waitFor(events, (e) => e.type === 'session.updated');
    const outputs = record(conversation.events$.pipe(runTools([weather])));

    conversation.text.next('call get_weather {"city":"Paris"}');
    await waitFor(events, (e) => e.type === 'tool.call');
    expect(signals.map((s) => s.aborted)).toEqual([false]);
    await closeConversation(conversation);
    conversation = undefined;
    expect(await outputs.done).toEqual([]);
    expect(signals.map((s) => s.aborted)).toEqual([true]);
  });
});
