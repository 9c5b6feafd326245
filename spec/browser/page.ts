/**
 * The page side of audio.spec.ts: bundled by esbuild (IIFE) and loaded into headless Chromium, where it
 * exposes the scenarios as `window.rtx`. Each resolves with plain data for the spec to assert on.
 */
import { concat, from, map, type Observable } from 'rxjs';
import { AudioError } from '../../src/audio/audioError';
import { base64ToPcm16 } from '../../src/audio/base64';
import { createAudioPlayer } from '../../src/audio/browser/player';
import { fromMicrophone, type MicrophoneInfo } from '../../src/audio/browser/microphone';
import { toAudioFrames } from '../../src/audio/frames';
import type { RealtimeAudioFrame } from '../../src/protocol/frame';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Test hooks: the streams getUserMedia returned and the AudioContexts created, to check the teardown;
// and a way to make getUserMedia fail the way a browser does.
const streams: MediaStream[] = [];
let refusal: DOMException | undefined;
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
  if (refusal !== undefined) throw refusal;
  const stream = await realGetUserMedia(constraints);
  streams.push(stream);
  return stream;
};
const contexts: AudioContext[] = [];
const RealAudioContext = window.AudioContext;
window.AudioContext = class extends RealAudioContext {
  constructor(options?: AudioContextOptions) {
    super(options);
    contexts.push(this);
  }
};

/** The largest |sample| of a PCM16 chunk, 0..1. */
function peak(samples: Int16Array | Float32Array): number {
  const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s * scale));
  return max;
}

/** Resolves once `check` holds, or after `ms`. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  while (!check() && performance.now() < end) await sleep(10);
}

export interface Chunk {
  /** performance.now() at arrival */
  at: number;
  /** samples (per channel) */
  length: number;
  /** what the frame says (frames only) */
  samplesPerChannel?: number | undefined;
  sampleRate?: number;
  numChannels?: number;
  peak: number;
}

export interface MicResult {
  chunks: Chunk[];
  info: Omit<MicrophoneInfo, 'track'> & { trackLabel: string };
  /** the context the microphone created, as seen by the AudioContext hook */
  contextSampleRate: number;
  trackStatesBefore: string[];
  trackStatesAfter: string[];
  contextStateAfter: string;
}

/**
 * Captures for `ms` of wall time, then unsubscribes. With `sampleRate`: the documented pipeline,
 * `fromMicrophone({ sampleRate }).pipe(toAudioFrames(...20 ms))`; without: the raw native-rate chunks.
 */
async function microphone(sampleRate: number | undefined, ms: number): Promise<MicResult> {
  const chunks: Chunk[] = [];
  let info: MicrophoneInfo | undefined;
  const mic$ = fromMicrophone({
    ...(sampleRate === undefined ? {} : { sampleRate }),
    onStart: (i) => (info = i),
  });
  const source: Observable<Chunk> =
    sampleRate === undefined
      ? mic$.pipe(map((c) => ({ at: performance.now(), length: c.length, peak: peak(c) })))
      : mic$.pipe(
          toAudioFrames({ sampleRate, numChannels: 1, frameMs: 20 }),
          map((f) => {
            const pcm = base64ToPcm16(f.data);
            return {
              at: performance.now(),
              length: pcm.length,
              samplesPerChannel: f.samplesPerChannel,
              sampleRate: f.sampleRate,
              numChannels: f.numChannels,
              peak: peak(pcm),
            };
          }),
        );
  let failure: unknown;
  const before = streams.length;
  const sub = source.subscribe({ next: (c) => chunks.push(c), error: (e: unknown) => (failure = e) });
  await until(() => chunks.length > 0 || failure !== undefined, 5000);
  await sleep(ms);
  const stream = streams[before];
  const context = contexts[contexts.length - 1];
  const trackStatesBefore = stream?.getTracks().map((t) => t.readyState) ?? [];
  sub.unsubscribe();
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('the microphone failed');
  if (info === undefined || stream === undefined || context === undefined)
    throw new Error('the microphone did not start');
  await until(() => context.state === 'closed');
  return {
    chunks,
    info: {
      sampleRate: info.sampleRate,
      contextSampleRate: info.contextSampleRate,
      trackLabel: info.track.label,
    },
    contextSampleRate: context.sampleRate,
    trackStatesBefore,
    trackStatesAfter: stream.getTracks().map((t) => t.readyState),
    contextStateAfter: context.state,
  };
}

export interface ErrorResult {
  name: string;
  kind?: string;
  message: string;
}

function asResult(e: unknown): ErrorResult {
  return e instanceof AudioError
    ? { name: e.name, kind: e.kind, message: e.message }
    : { name: 'not an AudioError', message: String(e) };
}

/** How `fromMicrophone()` fails; `refuseAs` makes getUserMedia reject with that DOMException name. */
async function microphoneError(refuseAs?: string): Promise<ErrorResult | 'no error'> {
  refusal =
    refuseAs === undefined ? undefined : new DOMException(`refused by the test (${refuseAs})`, refuseAs);
  try {
    return await new Promise<ErrorResult | 'no error'>((resolve) => {
      const sub = fromMicrophone().subscribe({
        next: () => {
          sub.unsubscribe();
          resolve('no error');
        },
        error: (e: unknown) => resolve(asResult(e)),
      });
    });
  } finally {
    refusal = undefined;
  }
}

/** How the microphone and the player fail in a browser without AudioWorklet (hidden for the call). */
async function withoutAudioWorklet(): Promise<{
  microphone: ErrorResult | 'no error';
  player: ErrorResult | 'no error';
}> {
  const real = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'audioWorklet')!;
  Object.defineProperty(BaseAudioContext.prototype, 'audioWorklet', {
    get: () => undefined,
    configurable: true,
  });
  try {
    const microphone = await microphoneError();
    const audio = createAudioPlayer();
    const player = await audio.ready.then(() => 'no error' as const, asResult);
    await audio.close();
    return { microphone, player };
  } finally {
    Object.defineProperty(BaseAudioContext.prototype, 'audioWorklet', real);
  }
}

/** `ms` of a 24 kHz mono sine as 20 ms frames of `itemId`. */
function tone(ms: number, hz: number, itemId: string): Observable<RealtimeAudioFrame> {
  const n = (24_000 * ms) / 1000;
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * hz * i) / 24_000));
  return from([pcm]).pipe(
    toAudioFrames({ sampleRate: 24_000, numChannels: 1, frameMs: 20 }),
    map((frame) => ({ ...frame, itemId })),
  );
}

export interface PlayerSnapshot {
  /** ms since the audio was handed to the player */
  elapsed: number;
  playedMs: number;
  bufferedMs: number;
  itemId: string | undefined;
}

export interface PlayerResult {
  contextSampleRate: number;
  contextState: string;
  /** playedMs$ emissions while the first item played, with ms since it was handed over */
  first: Array<{ elapsed: number; ms: number }>;
  queuedAt0: PlayerSnapshot;
  at500: PlayerSnapshot;
  afterClear: PlayerSnapshot;
  /** emissions in the 300 ms after clear() */
  afterClearEmissions: number[];
  /** emissions while two 300 ms items played back to back */
  twoItems: Array<{ ms: number; itemId: string | undefined }>;
  drained: PlayerSnapshot;
  closedContextState: string;
  playedMsCompleted: boolean;
}

/** Plays 1 s of tone, clears it after 500 ms, then plays two items back to back. */
async function player(): Promise<PlayerResult> {
  const audio = createAudioPlayer();
  await audio.ready;
  const context = contexts[contexts.length - 1];
  let t0 = performance.now();
  let last = 0;
  const first: PlayerResult['first'] = [];
  let log: ((ms: number) => void) | undefined = (ms) => first.push({ elapsed: performance.now() - t0, ms });
  let completed = false;
  audio.playedMs$.subscribe({ next: (ms) => ((last = ms), log?.(ms)), complete: () => (completed = true) });
  const snapshot = (): PlayerSnapshot => ({
    elapsed: performance.now() - t0,
    playedMs: last,
    bufferedMs: audio.bufferedMs,
    itemId: audio.itemId,
  });

  t0 = performance.now();
  tone(1000, 440, 'item_a').subscribe(audio);
  const queuedAt0 = snapshot();
  await sleep(500);
  const at500 = snapshot();
  log = undefined;
  audio.clear();
  const afterClear = snapshot();
  const afterClearEmissions: number[] = [];
  log = (ms) => afterClearEmissions.push(ms);
  await sleep(300);

  const twoItems: PlayerResult['twoItems'] = [];
  log = (ms) => twoItems.push({ ms, itemId: audio.itemId });
  t0 = performance.now();
  concat(tone(300, 440, 'item_b'), tone(300, 660, 'item_c')).subscribe(audio);
  await until(() => audio.bufferedMs === 0, 3000);
  const drained = snapshot();
  const contextState = context.state;
  await audio.close();
  return {
    contextSampleRate: context.sampleRate,
    contextState,
    first,
    queuedAt0,
    at500,
    afterClear,
    afterClearEmissions,
    twoItems,
    drained,
    closedContextState: context.state,
    playedMsCompleted: completed,
  };
}

const rtx = { microphone, microphoneError, withoutAudioWorklet, player };
export type Rtx = typeof rtx;
(window as unknown as { rtx: Rtx }).rtx = rtx;
