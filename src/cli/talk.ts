import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { filter, firstValueFrom, from, lastValueFrom, of, timer, toArray, zip, type Observable } from 'rxjs';
import { downmix } from '../audio/channels.js';
import { fromAudioFrames, toAudioFrames } from '../audio/frames.js';
import { resample } from '../audio/resample.js';
import { decodeWav, encodeWav } from '../audio/wav.js';
import { connectConversation } from '../conversation/connectConversation.js';
import type { ConversationStats } from '../conversation/types.js';
import type { DialectName } from '../protocol/dialect.js';
import type { RealtimeClosed, RealtimeEvent } from '../protocol/events.js';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { startDevServer, type DevServer } from '../server/devServer.js';
import { LiveDisplay } from './display.js';
import { dialectOption, numberOption } from './options.js';

const HELP = `usage: realtime-rx talk [options]

  --url URL             server base URL (default: start an embedded dev server)
  --dialect NAME        wire protocol: openai (default: OpenAI Realtime GA) or codex
  --prompt TEXT         the session prompt
  --in FILE.wav         audio to send (any rate and channel count: downmixed, resampled to 24 kHz, 20 ms frames)
  --text TEXT           a text to send (repeatable)
  --out FILE.wav        write the audio the server sends back
  --no-realtime         send the audio as fast as the socket takes it (default: paced at real time)
  --idle-ms N           close after the input is sent and the server has been quiet this long (default 1500)
  --timeout-ms N        close after this long whatever happens (default 60000)
  --api-key KEY         API key (default: $OPENAI_API_KEY); never printed`;

/** The conversation's input: 20 ms frames at 24 kHz mono, and texts. */
export interface TalkInput {
  url: string;
  dialect: DialectName;
  prompt?: string;
  apiKey?: string;
  frames: readonly RealtimeAudioFrame[];
  texts: readonly string[];
  realtime: boolean;
  idleMs: number;
  timeoutMs: number;
}

/** What happened, for the summary and for tests. */
export interface TalkResult {
  closed: RealtimeClosed;
  stats: ConversationStats;
  eventsByType: Record<string, number>;
  /** From the first audio frame given to the conversation to the first `audio.out`; undefined if none came. */
  firstAudioMs: number | undefined;
  /** Every `audio.out` frame received. */
  reply: RealtimeAudioFrame[];
}

/** `realtime-rx talk`: parses the options, runs the conversation, prints the summary. */
export async function talkCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      dialect: { type: 'string', default: 'openai' },
      prompt: { type: 'string' },
      in: { type: 'string' },
      text: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      realtime: { type: 'boolean', default: true },
      'no-realtime': { type: 'boolean', default: false },
      'idle-ms': { type: 'string', default: '1500' },
      'timeout-ms': { type: 'string', default: '60000' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dialect = dialectOption(values.dialect);
  const frames = values.in === undefined ? [] : await wavToFrames(readFileSync(values.in));
  const display = new LiveDisplay(process.stdout, frames.length);
  let server: DevServer | undefined;
  const url =
    values.url ?? (server = await startDevServer({ dialect, log: (line) => display.log(line) })).url;
  if (server) console.log(`[talk] started an embedded dev server at ${server.url}`);
  try {
    const result = await talk(
      {
        url,
        dialect,
        prompt: values.prompt,
        apiKey: values['api-key'] ?? process.env.OPENAI_API_KEY,
        frames,
        texts: values.text ?? [],
        realtime: values.realtime !== false && !values['no-realtime'],
        idleMs: numberOption(values['idle-ms'], '--idle-ms')!,
        timeoutMs: numberOption(values['timeout-ms'], '--timeout-ms')!,
      },
      display,
    );
    if (values.out !== undefined) console.log(writeReply(values.out, result.reply));
    console.log(summary(result));
    return result.closed.reason === 'error' ? 1 : 0;
  } finally {
    await server?.close();
  }
}

/** Decodes a WAV file of any rate and channel count into 20 ms frames of 24 kHz mono PCM16. */
export function wavToFrames(bytes: Uint8Array): Promise<RealtimeAudioFrame[]> {
  const wav = decodeWav(bytes);
  const mono: Observable<Float32Array> =
    wav.numChannels > 1 ? of(wav.samples).pipe(downmix(wav.numChannels)) : of(wav.samples);
  return lastValueFrom(
    mono.pipe(
      resample(wav.sampleRate, 24_000),
      toAudioFrames({ sampleRate: 24_000, numChannels: 1, frameMs: 20 }),
      toArray(),
    ),
  );
}

/** Runs one conversation: sends the frames (paced or not) and the texts, waits for quiet, closes. */
export async function talk(input: TalkInput, display?: LiveDisplay): Promise<TalkResult> {
  const conversation = connectConversation({
    url: input.url,
    dialect: input.dialect,
    prompt: input.prompt,
    apiKey: input.apiKey,
  });
  const eventsByType: Record<string, number> = {};
  const reply: RealtimeAudioFrame[] = [];
  let firstFrameAt: number | undefined;
  let firstAudioMs: number | undefined;
  let inputDone = input.frames.length === 0;
  let quietTimer: NodeJS.Timeout | undefined;
  const closeWhenQuiet = () => {
    clearTimeout(quietTimer);
    if (inputDone) quietTimer = setTimeout(() => conversation.close(), input.idleMs);
  };
  const deadline = setTimeout(() => conversation.close(), input.timeoutMs);

  const closed = lastValueFrom(conversation.events$) as Promise<RealtimeClosed>;
  conversation.events$.subscribe((event: RealtimeEvent) => {
    eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
    if (event.type === 'audio.out') {
      reply.push(event.frame);
      if (firstAudioMs === undefined && firstFrameAt !== undefined) firstAudioMs = Date.now() - firstFrameAt;
    }
    display?.events(eventsByType);
    closeWhenQuiet();
  });

  const state = await firstValueFrom(
    conversation.state$.pipe(filter((state) => state === 'open' || state === 'closed')),
  );
  // A refused or failed connection ends before opening: nothing to send (text after the end throws).
  const frames = state === 'open' ? input.frames : [];
  if (state === 'open') for (const text of input.texts) conversation.text.next(text);
  let sent = 0;
  const pace: Observable<readonly [RealtimeAudioFrame, number]> = input.realtime
    ? zip(from(frames), timer(0, 20))
    : from(frames.map((frame) => [frame, 0] as const));
  const sending = pace.subscribe({
    next: ([frame]) => {
      firstFrameAt ??= Date.now();
      conversation.audio.next(frame);
      display?.progress(++sent);
    },
    complete: () => {
      inputDone = true;
      closeWhenQuiet();
    },
  });

  const result = await closed;
  sending.unsubscribe();
  clearTimeout(quietTimer);
  clearTimeout(deadline);
  const stats = await firstValueFrom(conversation.stats$);
  display?.finish();
  return { closed: result, stats, eventsByType, firstAudioMs, reply };
}

/** Writes the reply audio as a PCM16 WAV at the rate the server used; says what it wrote. */
function writeReply(path: string, reply: readonly RealtimeAudioFrame[]): string {
  const first = reply[0];
  const sampleRate = first?.sampleRate ?? 24_000;
  const numChannels = first?.numChannels ?? 1;
  const chunks: Int16Array[] = [];
  from(reply)
    .pipe(fromAudioFrames())
    .subscribe((pcm) => chunks.push(pcm));
  const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    pcm.set(chunk, offset);
    offset += chunk.length;
  }
  writeFileSync(path, encodeWav(pcm, { sampleRate, numChannels }));
  const seconds = pcm.length / numChannels / sampleRate;
  return `[talk] wrote ${path}: ${seconds.toFixed(2)} s at ${sampleRate} Hz${reply.length === 0 ? ' (no audio came back)' : ''}`;
}

function summary(result: TalkResult): string {
  const { stats, closed } = result;
  const events = Object.entries(result.eventsByType)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const why = [closed.reason, closed.code !== undefined ? `code ${closed.code}` : undefined, closed.detail]
    .filter(Boolean)
    .join(', ');
  return [
    '[talk] summary',
    `  audio frames sent ${stats.audioSent}, dropped ${stats.audioDropped}, invalid ${stats.audioInvalid}`,
    `  texts sent ${stats.textSent}, still queued ${stats.textQueued}`,
    `  events ${events || 'none'}`,
    `  time to first audio ${result.firstAudioMs === undefined ? 'n/a (no audio came back)' : `${result.firstAudioMs} ms`}`,
    `  closed: ${why}`,
  ].join('\n');
}
