import { BehaviorSubject, type Observable, type Observer } from 'rxjs';
import type { RealtimeAudioFrame } from '../../protocol/frame.js';
import { channelCountProblem, sampleRateProblem } from '../../protocol/frameLimits.js';
import { AudioError } from '../audioError.js';
import { frameSamples } from '../frameSamples.js';
import { pcm16ToFloat } from '../pcm.js';
import { Resampler } from '../resample.js';
import { deviceErrorText, loadWorkletModule } from './worklet.js';

/**
 * Options of {@link createAudioPlayer}.
 *
 * @example
 * Play through a volume control, in a context made in a click handler
 * ```ts
 * const audioContext = new AudioContext();
 * const volume = new GainNode(audioContext, { gain: 0.5 });
 * volume.connect(audioContext.destination);
 * const options: AudioPlayerOptions = { audioContext, destination: volume, maxBufferedMs: 60_000 };
 * const player = createAudioPlayer(options);
 * ```
 */
export interface AudioPlayerOptions {
  /**
   * A context to play in (e.g. one created in a click handler, or shared with {@link fromMicrophone});
   * {@link AudioPlayer.close} leaves it open. Default: a new context at the output device's rate.
   */
  audioContext?: AudioContext;
  /** Where the audio goes, e.g. a GainNode for volume (default: the context's destination). */
  destination?: AudioNode;
  /**
   * Most audio queued at once, in ms (default 300 000 = 5 min). The server sends speech faster than real
   * time, so a whole answer is queued; beyond this bound the newest audio is dropped (and counted in
   * {@link AudioPlayer.droppedMs}) rather than cutting what is already playing.
   */
  maxBufferedMs?: number;
  /** How often the worklet reports progress, in ms of played audio (default 20): the step of `playedMs$`. */
  reportIntervalMs?: number;
}

/**
 * Plays inbound `audio.out` frames gap-free, and says how much of the current item was heard, for
 * barge-in truncation. An Observer, so a stream of frames can be subscribed to it directly. `next()`
 * throws `AudioError` for a malformed frame (when the player is subscribed, RxJS reports it as an
 * unhandled error and the subscription goes on); `error()` and `complete()` leave queued audio playing.
 *
 * @example
 * ```ts
 * const player: AudioPlayer = createAudioPlayer();
 * conversation.events$
 *   .pipe(
 *     filter((event): event is RealtimeEventOf<'audio.out'> => event.type === 'audio.out'),
 *     map((event) => event.frame),
 *   )
 *   .subscribe(player);
 * player.playedMs$.subscribe((ms) => (progress.textContent = `${ms} ms`));
 * // when done
 * await player.close();
 * ```
 *
 * @see {@link createAudioPlayer}
 * @see {@link bargeIn}
 */
export interface AudioPlayer extends Observer<RealtimeAudioFrame> {
  /**
   * Ms of the current item played so far (integer, rounded down; counted as the worklet renders, so
   * ahead of the loudspeaker by the output latency). Replays its current value to each new subscriber
   * (0 at first), steps every `reportIntervalMs` of playback, and is exact once the queue runs dry.
   * Goes back to 0 on {@link AudioPlayer.clear} and when playback reaches audio of another `itemId`.
   * Completes on close; errors with `AudioError('device')` if the worklet cannot be loaded.
   */
  readonly playedMs$: Observable<number>;
  /** Ms queued and not yet played, as of the last report (so up to `reportIntervalMs` high); 0 after clear(). */
  readonly bufferedMs: number;
  /** `itemId` of the audio playing now (else next to play, else last played); `undefined` before any audio and after clear(). */
  readonly itemId: string | undefined;
  /** Ms of audio dropped because `maxBufferedMs` was reached. */
  readonly droppedMs: number;
  /** Resolves once the worklet runs (frames given before are queued); rejects with `AudioError('device')`. */
  readonly ready: Promise<void>;
  /**
   * Barge-in: drops everything queued, now; `playedMs$` emits 0. Frames given later play normally, so
   * drop the interrupted item's late frames upstream (e.g. until the next `response.created`).
   */
  clear(): void;
  /** Stops playback and releases the worklet and the context (unless it was passed in). Idempotent. */
  close(): Promise<void>;
}

const PROCESSOR = 'realtime-rx-player';

/** Messages between the main thread and the worklet. */
type ToWorklet =
  { type: 'push'; samples: Float32Array } | { type: 'clear'; epoch: number } | { type: 'close' };
interface PlayedReport {
  /** samples played since the last clear */
  played: number;
  /** clear() count the worklet had seen: reports from before the latest clear() are stale */
  epoch: number;
}

/**
 * The worklet: a ring buffer of mono samples that grows by doubling (up to `maxFrames`) instead of being
 * preallocated for the worst case, played out one render quantum at a time (silence on underrun). It
 * counts the samples actually played and reports every `reportFrames` of them, and once when the queue
 * runs dry, so the last report is exact.
 */
const WORKLET_SOURCE = `
class RealtimeRxPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.maxFrames = o.maxFrames;
    this.reportFrames = o.reportFrames;
    this.ring = new Float32Array(o.initialFrames);
    this.read = 0;
    this.size = 0;
    this.played = 0;
    this.unreported = 0;
    this.epoch = o.epoch;
    this.closed = false;
    this.port.onmessage = (event) => {
      const m = event.data;
      if (m.type === 'push') this.push(m.samples);
      else if (m.type === 'clear') {
        this.read = 0; this.size = 0; this.played = 0; this.unreported = 0; this.epoch = m.epoch;
        this.report();
      } else if (m.type === 'close') this.closed = true;
    };
  }
  push(samples) {
    if (this.size + samples.length > this.ring.length) this.grow(this.size + samples.length);
    const n = Math.min(samples.length, this.ring.length - this.size); // the main thread keeps within maxFrames
    const cap = this.ring.length;
    const write = (this.read + this.size) % cap;
    const first = Math.min(n, cap - write);
    this.ring.set(samples.subarray(0, first), write);
    if (n > first) this.ring.set(samples.subarray(first, n), 0);
    this.size += n;
  }
  grow(needed) {
    let cap = this.ring.length;
    while (cap < needed && cap < this.maxFrames) cap *= 2;
    cap = Math.min(cap, this.maxFrames);
    if (cap <= this.ring.length) return;
    const next = new Float32Array(cap);
    const first = Math.min(this.size, this.ring.length - this.read);
    next.set(this.ring.subarray(this.read, this.read + first), 0);
    next.set(this.ring.subarray(0, this.size - first), first);
    this.ring = next;
    this.read = 0;
  }
  process(inputs, outputs) {
    if (this.closed) return false;
    const channels = outputs[0];
    const out = channels[0];
    const n = Math.min(out.length, this.size);
    const cap = this.ring.length;
    const first = Math.min(n, cap - this.read);
    out.set(this.ring.subarray(this.read, this.read + first), 0);
    if (n > first) out.set(this.ring.subarray(0, n - first), first);
    out.fill(0, n);
    for (let c = 1; c < channels.length; c++) channels[c].set(out);
    if (n > 0) {
      this.read = (this.read + n) % cap;
      this.size -= n;
      this.played += n;
      this.unreported += n;
      if (this.unreported >= this.reportFrames || this.size === 0) this.report();
    }
    return true;
  }
  report() {
    this.unreported = 0;
    this.port.postMessage({ played: this.played, epoch: this.epoch });
  }
}
registerProcessor('${PROCESSOR}', RealtimeRxPlayer);
`;

/**
 * A player for the assistant's voice. Frames are decoded in the main thread (base64 -> PCM16, or G.711
 * when the frame's `encoding` says so, -> float, downmixed to mono, resampled to the context rate by one
 * `Resampler` per source rate so chunk borders stay seamless) and transferred to an AudioWorklet that
 * plays them back to back.
 *
 * Browsers start an AudioContext created without a user gesture suspended: create the player in the
 * click handler that starts the conversation (or pass a context created there); it also calls
 * `resume()` on the first frame, which works once the page has had a gesture or holds the microphone.
 * Throws `AudioError('device')` when the browser has no Web Audio, `AudioError('options')` for bad options.
 *
 * @example
 * ```ts
 * startButton.onclick = () => {
 *   const player = createAudioPlayer(); // in the click handler, so the context may start
 *   conversation.events$
 *     .pipe(filter((e): e is RealtimeEventOf<'audio.out'> => e.type === 'audio.out'), map((e) => e.frame))
 *     .subscribe(player);
 *   let heardMs = 0;
 *   player.playedMs$.subscribe((ms) => (heardMs = ms));
 *   // the user talks over the assistant: silence it now; heardMs of player.itemId were heard
 *   conversation.events$.pipe(filter((e) => e.type === 'speech.started')).subscribe(() => {
 *     console.log(`interrupted ${player.itemId} after ${heardMs} ms`);
 *     player.clear();
 *   });
 * };
 * ```
 */
export function createAudioPlayer(options: AudioPlayerOptions = {}): AudioPlayer {
  const maxBufferedMs = options.maxBufferedMs ?? 300_000;
  if (!(Number.isFinite(maxBufferedMs) && maxBufferedMs > 0)) {
    throw new AudioError('options', `maxBufferedMs must be a positive number of ms, got ${maxBufferedMs}`);
  }
  const reportIntervalMs = options.reportIntervalMs ?? 20;
  if (!(Number.isFinite(reportIntervalMs) && reportIntervalMs > 0)) {
    throw new AudioError(
      'options',
      `reportIntervalMs must be a positive number of ms, got ${reportIntervalMs}`,
    );
  }
  let context: AudioContext;
  try {
    context = options.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
  } catch (cause) {
    throw new AudioError('device', `could not create an AudioContext: ${deviceErrorText(cause)}`);
  }
  const ownsContext = options.audioContext === undefined;
  const rate = context.sampleRate;
  const maxFrames = Math.ceil((maxBufferedMs * rate) / 1000);
  const reportFrames = Math.max(128, Math.round((reportIntervalMs * rate) / 1000));

  const playedMs = new BehaviorSubject<number>(0);
  let lastPlayedMs = 0; // playedMs.value throws once the subject has errored
  let node: AudioWorkletNode | undefined;
  let pending: Float32Array[] = []; // decoded before the worklet was ready
  let epoch = 0;
  let queued = 0; // samples (context rate) handed over since the last clear()
  let played = 0; // samples played since the last clear(), as last reported
  let dropped = 0;
  /** Where each item's audio starts in the queue, oldest first; the first is the one playing. */
  let segments: Array<{ itemId: string | undefined; start: number }> = [];
  /**
   * One Resampler per source rate, with the frames it took and gave since its last flush: it holds back
   * a few ms (half its filter), which would otherwise shift item boundaries by that much.
   */
  let conversions = new Map<number, { resampler: Resampler; input: number; output: number }>();
  /** Source rate of the last frame: a frame of another rate first flushes that rate's resampler. */
  let lastRate: number | undefined;
  let failure: AudioError | undefined;
  let closing: Promise<void> | undefined;
  let resuming: Promise<void> | undefined;

  const emit = (ms: number): void => {
    if (ms === lastPlayedMs) return;
    lastPlayedMs = ms;
    playedMs.next(ms);
  };
  const post = (message: ToWorklet, transfer: Transferable[] = []): void =>
    node?.port.postMessage(message, transfer);
  const send = (samples: Float32Array): void => {
    if (node === undefined) pending.push(samples);
    else post({ type: 'push', samples }, [samples.buffer]);
  };
  const onReport = (event: MessageEvent<PlayedReport>): void => {
    if (event.data.epoch !== epoch || closing !== undefined) return;
    played = Math.min(event.data.played, queued);
    while (segments.length > 1 && segments[1].start <= played) segments.shift();
    emit(Math.floor(((played - (segments[0]?.start ?? 0)) * 1000) / rate));
  };

  /**
   * Queues decoded samples (context rate) of `itemId`, within `maxFrames`. `held`: samples of the
   * previous audio the resampler still holds back, which will be queued before this item starts.
   */
  const enqueue = (chunk: Float32Array, itemId: string | undefined, held = 0): void => {
    const last = segments[segments.length - 1];
    if (last === undefined || last.itemId !== itemId) segments.push({ itemId, start: queued + held });
    const room = Math.max(0, maxFrames - (queued - played));
    let samples = chunk;
    if (samples.length > room) {
      dropped += samples.length - room;
      samples = samples.subarray(0, room);
    }
    if (samples.length === 0) return;
    queued += samples.length;
    // Decoder and Resampler return fresh arrays: transfer them whole, copy a view (cut to `room`).
    send(
      samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength
        ? samples
        : samples.slice(),
    );
  };

  /** Queues what the resampler of `sourceRate` holds back, as the end of the last item. */
  const flush = (sourceRate: number): void => {
    const c = conversions.get(sourceRate);
    if (c === undefined) return;
    const tail = c.resampler.flush();
    c.input = 0;
    c.output = 0;
    enqueue(tail, segments[segments.length - 1]?.itemId);
  };

  const ready = loadWorkletModule(context, PROCESSOR, WORKLET_SOURCE)
    .then(() => {
      if (closing !== undefined) return;
      const initialFrames = Math.min(maxFrames, 2 ** Math.ceil(Math.log2(Math.max(rate * 2, 128))));
      node = new AudioWorkletNode(context, PROCESSOR, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { maxFrames, reportFrames, initialFrames, epoch },
      });
      node.port.onmessage = onReport;
      node.connect(options.destination ?? context.destination);
      const early = pending;
      pending = [];
      early.forEach(send);
    })
    .catch((cause: unknown) => {
      failure =
        cause instanceof AudioError
          ? cause
          : new AudioError('device', `could not start the audio player: ${deviceErrorText(cause)}`);
      playedMs.error(failure);
      throw failure;
    });
  ready.catch(() => undefined); // surfaced through next(), playedMs$ and `ready` itself

  const resume = (): void => {
    if (context.state !== 'suspended' || resuming !== undefined) return;
    resuming = context.resume().then(
      () => {
        resuming = undefined;
      },
      () => {
        resuming = undefined;
      }, // not allowed yet: retried on the next frame
    );
  };

  return {
    playedMs$: playedMs.asObservable(),
    get bufferedMs() {
      return ((queued - played) * 1000) / rate;
    },
    get itemId() {
      return segments[0]?.itemId;
    },
    get droppedMs() {
      return (dropped * 1000) / rate;
    },
    ready,
    next(frame: RealtimeAudioFrame): void {
      if (closing !== undefined) return;
      if (failure !== undefined) throw failure;
      const mono = decodeMono(frame);
      if (lastRate !== undefined && lastRate !== frame.sampleRate) flush(lastRate);
      lastRate = frame.sampleRate;
      let samples = mono;
      let held = 0;
      if (frame.sampleRate !== rate) {
        let c = conversions.get(frame.sampleRate);
        if (c === undefined)
          conversions.set(
            frame.sampleRate,
            (c = { resampler: new Resampler(frame.sampleRate, rate, 1), input: 0, output: 0 }),
          );
        // Output k is the input at time k * from / to: this frame's audio starts at output ceil(input * to / from).
        held = Math.ceil((c.input * rate) / frame.sampleRate) - c.output;
        samples = c.resampler.process(mono);
        c.input += mono.length;
        c.output += samples.length;
      }
      resume();
      enqueue(samples, frame.itemId, held);
    },
    error(): void {
      // The source failed; what is queued was said, so it plays on.
    },
    complete(): void {
      // The source ended: what is queued plays out, with the resampler's last few samples.
      if (closing === undefined && failure === undefined && lastRate !== undefined) flush(lastRate);
    },
    clear(): void {
      if (closing !== undefined) return;
      epoch += 1;
      pending = [];
      queued = 0;
      played = 0;
      segments = [];
      conversions = new Map(); // their history belongs to the dropped audio
      lastRate = undefined;
      post({ type: 'clear', epoch });
      emit(0);
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      pending = [];
      if (node !== undefined) {
        post({ type: 'close' });
        node.port.onmessage = null;
        node.port.close();
        node.disconnect();
        node = undefined;
      }
      playedMs.complete();
      closing =
        ownsContext && context.state !== 'closed'
          ? context.close().catch(() => undefined)
          : Promise.resolve();
      return closing;
    },
  };
}

/** A frame's samples as mono floats at the frame's rate (a fresh array, safe to transfer). */
function decodeMono(frame: RealtimeAudioFrame): Float32Array {
  const { sampleRate, numChannels } = frame;
  const rangeProblem = sampleRateProblem(sampleRate) ?? channelCountProblem(numChannels);
  if (rangeProblem !== undefined) throw new AudioError('options', `audio frame ${rangeProblem}`);
  const pcm = frameSamples(frame); // PCM16 as it is, G.711 decoded
  if (pcm.length % numChannels !== 0) {
    throw new AudioError(
      'base64',
      `audio frame holds ${pcm.length} samples, not a whole number of ${numChannels}-channel frames`,
    );
  }
  const interleaved = pcm16ToFloat(pcm);
  if (numChannels === 1) return interleaved;
  const frames = interleaved.length / numChannels;
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < numChannels; c++) sum += interleaved[i * numChannels + c];
    mono[i] = sum / numChannels;
  }
  return mono;
}
