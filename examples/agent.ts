/**
 * A voice agent: a weather assistant with two tools, its history printed as it changes, and the user
 * talking over a slow tool, which stops it. `get_weather` answers after 300 ms; `get_forecast` would
 * take 10 s, but the user starts speaking (examples/speech.wav, heard by the server's voice activity
 * detection) a second into it: runTools aborts its signal and answers nothing for it.
 *
 * Run it with `npm run example:agent`. Without OPENAI_API_KEY it starts the local dev server here (in
 * your app, `npx realtime-rx serve`), whose scripted model turns a text `call <tool> <JSON>` into that
 * function call. With OPENAI_API_KEY set, it talks to OpenAI and asks in plain words instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as t from 'io-ts';
import {
  delay,
  filter,
  first,
  interval,
  lastValueFrom,
  map,
  of,
  skip,
  switchMap,
  tap,
  zip,
  type Observable,
} from 'rxjs';
import {
  connectConversation,
  conversationItems,
  decodeWav,
  defineTool,
  resample,
  runTools,
  toAudioFrames,
  toolDefinitions,
  type ConversationItemView,
  type RealtimeAudioFrame,
} from '../src/index.js';
import { startDevServer } from '../src/server/devServer.js';

/** When the program started, for the times it prints. */
const started = Date.now();
const log = (line: string) =>
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s  ${line}`);

const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather right now in a city.',
  args: t.type({ city: t.string }),
  run: async ({ city }, { signal }) => {
    await sleep(300, undefined, { signal }); // a quick lookup
    return JSON.stringify({ city, sky: 'sunny', celsius: 21 });
  },
});

const getForecast = defineTool({
  name: 'get_forecast',
  description: 'The forecast for the next days in a city. Slow.',
  args: t.type({ city: t.string, days: t.number }),
  run: async ({ city, days }, { callId, signal }) => {
    log(`get_forecast(${city}, ${days} days) started (${callId}); it takes 10 s`);
    const since = Date.now();
    signal.addEventListener('abort', () =>
      log(`get_forecast: signal aborted after ${((Date.now() - since) / 1000).toFixed(1)} s`),
    );
    // The signal goes wherever the work goes (fetch, a database driver, a timer): aborting stops it.
    await sleep(10_000, undefined, { signal });
    return JSON.stringify({ city, days, outlook: 'sunny, then rain' });
  },
});

const tools = [getWeather, getForecast];

async function main(): Promise<void> {
  const apiKey = process.env.OPENAI_API_KEY;
  const server = apiKey ? undefined : await startDevServer();
  // The dev server plays the model from scripts; OpenAI's model understands plain words.
  const asks = server
    ? ['call get_weather {"city":"Paris"}', 'call get_forecast {"city":"Paris","days":3}']
    : ["What's the weather in Paris right now?", 'And the forecast for the next three days there?'];
  log(server ? `the dev server at ${server.url}` : 'OpenAI (OPENAI_API_KEY is set)');

  const conversation = connectConversation({
    url: server?.url ?? 'https://api.openai.com/v1',
    apiKey,
    prompt: 'You are a weather assistant. Use the tools, and answer in one short sentence.',
    // The user's audio is transcribed, so that the history shows what they said.
    session: { tools: toolDefinitions(tools), inputTranscription: { model: 'gpt-4o-mini-transcribe' } },
  });
  const { events$ } = conversation;

  // The tools answer the model: each tool.call → a tool.output control (and then a response.create).
  events$.pipe(runTools(tools, { timeoutMs: 15_000 })).subscribe((control) => {
    if (control.type === 'tool.output') log(`answered ${control.callId}: ${control.output}`);
    conversation.control.next(control);
  });

  // The history, printed as it changes: each item when it appears and each time it settles.
  const printed = new Map<string, string>();
  events$.pipe(conversationItems()).subscribe((items) => {
    for (const item of items) {
      const line = describe(item);
      const before = printed.get(item.id);
      if (before === line || (before !== undefined && item.status === 'in_progress')) continue;
      log(`history ${before === undefined ? '+' : '~'} ${line}`);
      printed.set(item.id, line);
    }
    for (const id of printed.keys())
      if (!items.some((item) => item.id === id)) {
        log(`history - ${id}`);
        printed.delete(id);
      }
  });

  // First question; once it is answered (the function call's response, then the answer's), the second.
  conversation.text.next(asks[0]);
  const responses$ = events$.pipe(filter((event) => event.type === 'response.done'));
  responses$.pipe(skip(1), first()).subscribe(() => conversation.text.next(asks[1]));

  // A second into the slow tool, the user starts talking: speech.wav, paced as a microphone would.
  events$
    .pipe(
      filter((event) => event.type === 'tool.call' && event.name === 'get_forecast'),
      first(),
      delay(1000),
      tap(() => log('the user starts talking')),
      switchMap(() => speech(join(__dirname, 'speech.wav'))),
    )
    .subscribe(conversation.audio);
  events$.pipe(filter((event) => event.type === 'speech.started')).subscribe(() => log('speech.started'));

  // The reply to what the user said ends the demo.
  events$
    .pipe(
      filter((event) => event.type === 'speech.stopped'),
      first(),
      switchMap(() => responses$),
      first(),
    )
    .subscribe(() => conversation.close());
  // In case something never comes: a demo does not hang.
  const guard = setTimeout(() => conversation.close(), 30_000);

  const closed = await lastValueFrom(events$);
  clearTimeout(guard);
  log(`closed: ${closed.type === 'closed' ? closed.reason : closed.type}`);
  await server?.close();
}

/** One item of the history on one line. */
function describe(item: ConversationItemView): string {
  const text = item.text.length > 70 ? `${item.text.slice(0, 67)}...` : item.text;
  return `${item.role} ${item.kind} (${item.status}) ${JSON.stringify(text)}`;
}

/** A WAV file as 20 ms frames of 24 kHz mono PCM16, one every 20 ms, as a microphone gives them. */
function speech(path: string): Observable<RealtimeAudioFrame> {
  const wav = decodeWav(new Uint8Array(readFileSync(path)));
  const frames = of(wav.samples).pipe(
    resample(wav.sampleRate, 24_000),
    toAudioFrames({ sampleRate: 24_000, numChannels: 1, frameMs: 20 }),
  );
  return zip(frames, interval(20)).pipe(map(([frame]) => frame));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
