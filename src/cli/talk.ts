import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  of,
  timer,
  toArray,
  zip,
  Subscription,
  type Observable,
} from 'rxjs';
import { downmix } from '../audio/channels.js';
import { fromAudioFrames, toAudioFrames } from '../audio/frames.js';
import { resample } from '../audio/resample.js';
import { decodeWav, encodeWav } from '../audio/wav.js';
import { connectConversation } from '../conversation/connectConversation.js';
import type { ConversationStats } from '../conversation/types.js';
import type { DialectName } from '../protocol/dialect.js';
import { errorText } from '../protocol/errors.js';
import type { RealtimeClosed, RealtimeEvent } from '../protocol/events.js';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { startDevServer, type DevServer } from '../server/devServer.js';
import { webSocketBase } from '../protocol/baseUrl.js';
import { LiveDisplay, narration } from './display.js';
import { dialectOption, msOption, parseCommandLine, textOption, UsageError } from './options.js';
import { EXIT, oneLine, talkVerdict, type TalkEnding } from './outcome.js';

const HELP = `usage: realtime-rx talk [options]

  --url URL               server base URL (default: start an embedded dev server)
  --dialect NAME          wire protocol: openai (default: OpenAI Realtime GA) or codex
  --prompt TEXT           the session prompt
  --in FILE.wav           audio to send (any rate and channel count: downmixed, resampled to 24 kHz, 20 ms frames)
  --text TEXT             a text to send (repeatable)
  --out FILE.wav          write the audio the server sends back
  --transcribe MODEL      transcribe the audio sent, e.g. gpt-4o-mini-transcribe (openai dialect)
  --no-realtime           send the audio as fast as the socket takes it (default: paced at real time)
  --idle-ms N             close after the input is sent and the server has been quiet this long (default 1500)
  --timeout-ms N          close after this long whatever happens (default 60000)
  --connect-timeout-ms N  give up a handshake that takes longer than this (default 10000)
  --api-key KEY           API key (default: $OPENAI_API_KEY); never printed

exit codes: 0 done, 1 could not run, 2 bad option, 3 never connected, 4 timed out before the input
was sent, 5 server error, 6 closed by the server or lost, 130 Ctrl-C (docs/cli.md)`;

/** The conversation's input: 20 ms frames at 24 kHz mono, and texts. */
export interface TalkInput {
  url: string;
  dialect: DialectName;
  prompt?: string;
  apiKey?: string;
  /** The input transcription model (openai dialect). */
  transcribe?: string;
  frames: readonly RealtimeAudioFrame[];
  texts: readonly string[];
  realtime: boolean;
  idleMs: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Aborting closes the conversation early (Ctrl-C); its reason is the signal's name. */
  interrupt?: AbortSignal;
}

/** What happened, for the summary, the exit code and tests. */
export interface TalkResult extends TalkEnding {
  stats: ConversationStats;
  eventsByType: Record<string, number>;
  /** From the first audio frame given to the conversation to the first `audio.out`; undefined if none came. */
  firstAudioMs: number | undefined;
  /** Every `audio.out` frame received. */
  reply: RealtimeAudioFrame[];
}

/** `realtime-rx talk`: checks every option, runs the conversation, prints the summary; the exit code says how it went. */
export async function talkCommand(argv: string[]): Promise<number> {
  const values = parseCommandLine('talk', argv, {
    url: { type: 'string' },
    dialect: { type: 'string', default: 'openai' },
    prompt: { type: 'string' },
    in: { type: 'string' },
    text: { type: 'string', multiple: true, default: [] },
    out: { type: 'string' },
    transcribe: { type: 'string' },
    realtime: { type: 'boolean', default: true },
    'no-realtime': { type: 'boolean', default: false },
    'idle-ms': { type: 'string', default: '1500' },
    'timeout-ms': { type: 'string', default: '60000' },
    'connect-timeout-ms': { type: 'string', default: '10000' },
    'api-key': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // Every option is checked before anything starts.
  const dialect = dialectOption(values.dialect);
  const url = values.url === undefined ? undefined : urlOption(values.url);
  const transcribe = textOption(values.transcribe, '--transcribe');
  if (transcribe !== undefined && dialect !== 'openai') {
    throw new UsageError(`--transcribe works with --dialect openai only`);
  }
  const settings = {
    dialect,
    prompt: values.prompt,
    apiKey: values['api-key'] ?? process.env.OPENAI_API_KEY,
    transcribe,
    texts: values.text,
    realtime: values.realtime && !values['no-realtime'],
    idleMs: msOption(values['idle-ms'], '--idle-ms')!,
    timeoutMs: msOption(values['timeout-ms'], '--timeout-ms')!,
    connectTimeoutMs: msOption(values['connect-timeout-ms'], '--connect-timeout-ms')!,
  };
  if (values.out !== undefined) checkOutFolder(values.out);
  const frames = values.in === undefined ? [] : await readWav(values.in);

  const display = new LiveDisplay(process.stdout, frames.length, process.stderr);
  // Ctrl-C closes the conversation, so that the summary and --out still come; a second one quits at once.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(128 + constants.signals[signal]);
    display.warn(`[talk] ${signal}: closing the conversation (again to quit at once)`);
    interrupt.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let server: DevServer | undefined;
  try {
    if (url === undefined) {
      server = await startDevServer({ dialect, log: (line) => display.log(line) }).catch((error: unknown) => {
        throw new Error(`could not start the embedded dev server: ${errorText(error)}`);
      });
      console.log(`[talk] started an embedded dev server at ${server.url}`);
    }
    const result = await talk(
      { ...settings, url: url ?? server!.url, frames, interrupt: interrupt.signal },
      display,
    );
    let code: number = EXIT.ok;
    if (values.out !== undefined) {
      if (!result.opened) console.log(`[talk] did not write ${values.out}: the conversation never opened`);
      else {
        try {
          console.log(writeReply(values.out, result.reply));
        } catch (error) {
          display.warn(`realtime-rx: --out ${values.out}: ${errorText(error)}`);
          code = EXIT.failed;
        }
      }
    }
    console.log(summary(result));
    const verdict = talkVerdict(result, settings.timeoutMs);
    if (verdict.problem !== undefined) console.error(`realtime-rx: ${verdict.problem}`);
    return verdict.code === EXIT.ok ? code : verdict.code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.close();
  }
}

/** `--url`: a base URL the library can connect to (http, https, ws, wss), refused before anything starts. */
function urlOption(value: string): string {
  try {
    webSocketBase(value);
  } catch (error) {
    throw new UsageError(`--url: ${errorText(error)}`);
  }
  return value;
}

/** `--out` is written at the end: its folder must exist from the start. */
function checkOutFolder(path: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new Error(`--out ${path}: no such folder ${folder}`);
  }
}

/** `--in`: reads and decodes the WAV, with an error that names the file. */
async function readWav(path: string): Promise<RealtimeAudioFrame[]> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new Error(`--in ${path}: ${code === 'ENOENT' ? 'no such file' : errorText(error)}`);
  }
  try {
    return await wavToFrames(bytes);
  } catch (error) {
    throw new Error(`--in ${path}: not a WAV file we can read: ${errorText(error)}`);
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

/**
 * Runs one conversation: sends the texts and the frames (paced or not), prints transcripts and
 * problems as they come, and closes once the server has been quiet for `idleMs` after the input, at
 * `timeoutMs`, or when `interrupt` aborts.
 */
export async function talk(input: TalkInput, display?: LiveDisplay): Promise<TalkResult> {
  const conversation = connectConversation({
    url: input.url,
    dialect: input.dialect,
    prompt: input.prompt,
    apiKey: input.apiKey,
    connectTimeoutMs: input.connectTimeoutMs,
    ...(input.transcribe === undefined
      ? {}
      : { session: { inputTranscription: { model: input.transcribe } } }),
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
  // Closing early stops the input at once: what was not given yet counts as not sent.
  const sending = new Subscription();
  const closeNow = () => {
    sending.unsubscribe();
    conversation.close();
  };
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    closeNow();
  }, input.timeoutMs);
  let interrupted: NodeJS.Signals | undefined;
  const onInterrupt = () => {
    interrupted = input.interrupt?.reason as NodeJS.Signals;
    closeNow();
  };
  if (input.interrupt?.aborted) onInterrupt();
  else input.interrupt?.addEventListener('abort', onInterrupt, { once: true });

  const closed = lastValueFrom(conversation.events$) as Promise<RealtimeClosed>;
  conversation.events$.subscribe((event: RealtimeEvent) => {
    eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
    if (event.type === 'audio.out') {
      reply.push(event.frame);
      if (firstAudioMs === undefined && firstFrameAt !== undefined) firstAudioMs = Date.now() - firstFrameAt;
    }
    display?.events(eventsByType);
    const line = narration(event, input.dialect);
    if (line !== undefined) display?.[line.problem ? 'warn' : 'log'](line.text);
    closeWhenQuiet();
  });

  const state = await firstValueFrom(
    conversation.state$.pipe(filter((state) => state === 'open' || state === 'closed')),
  );
  const opened = state === 'open';
  // A refused or failed connection ends before opening: nothing to send (text after the end throws).
  const frames = opened ? input.frames : [];
  if (opened) for (const text of input.texts) conversation.text.next(text);
  let sent = 0;
  const pace: Observable<readonly [RealtimeAudioFrame, number]> = input.realtime
    ? zip(from(frames), timer(0, 20))
    : from(frames.map((frame) => [frame, 0] as const));
  sending.add(
    pace.subscribe({
      next: ([frame]) => {
        firstFrameAt ??= Date.now();
        conversation.audio.next(frame);
        display?.progress(++sent);
      },
      complete: () => {
        inputDone = true;
        closeWhenQuiet();
      },
    }),
  );

  const result = await closed;
  sending.unsubscribe();
  clearTimeout(quietTimer);
  clearTimeout(deadline);
  input.interrupt?.removeEventListener('abort', onInterrupt);
  const stats = await firstValueFrom(conversation.stats$);
  display?.finish();
  const unsent = {
    texts: opened ? stats.textQueued : input.texts.length,
    frames: input.frames.length - sent,
  };
  return { closed: result, opened, timedOut, interrupted, unsent, stats, eventsByType, firstAudioMs, reply };
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
  const why = [
    closed.reason,
    closed.code !== undefined ? `code ${closed.code}` : undefined,
    closed.detail && oneLine(closed.detail),
  ]
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
