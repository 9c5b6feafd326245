import { Observable } from 'rxjs';
import { sampleRateProblem } from '../../protocol/frameLimits.js';
import { AudioError } from '../audioError.js';
import { Resampler } from '../resample.js';
import { deviceErrorText, loadWorkletModule } from './worklet.js';

/**
 * Options of {@link fromMicrophone}.
 *
 * @example
 * ```ts
 * const options: MicrophoneOptions = {
 *   sampleRate: 24000,
 *   chunkMs: 20,
 *   onStart: (info) => console.log(`recording from ${info.track.label} at ${info.contextSampleRate} Hz`),
 * };
 * fromMicrophone(options).pipe(toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 }));
 * ```
 */
export interface MicrophoneOptions {
  /**
   * Rate of the emitted chunks, in Hz (e.g. 24000 for the realtime API). Default: the AudioContext's rate
   * (the device's native rate, usually 48000; see {@link MicrophoneOptions.onStart}). Resampled in the
   * main thread, because the context itself must run at the device rate.
   */
  sampleRate?: number;
  /** Length of each emitted chunk, in ms of audio at the context rate (default 20). */
  chunkMs?: number;
  /** Browser echo cancellation (default true): keeps the assistant's own voice out of the microphone. */
  echoCancellation?: boolean;
  /** Browser noise suppression (default true). */
  noiseSuppression?: boolean;
  /** Browser automatic gain control (default true). */
  autoGainControl?: boolean;
  /** A `deviceId` from `navigator.mediaDevices.enumerateDevices()`; default: the browser's default microphone. */
  deviceId?: string;
  /**
   * A context to capture in (e.g. shared with an {@link AudioPlayer}); it is not closed on unsubscribe.
   * It must run at the microphone's rate in Firefox, so do not create it with a forced `sampleRate`.
   */
  audioContext?: AudioContext;
  /** Called once capture runs, before the first chunk: the rate of the chunks and the track, for display. */
  onStart?: (info: MicrophoneInfo) => void;
}

/**
 * What {@link MicrophoneOptions.onStart} reports.
 *
 * @example
 * ```ts
 * fromMicrophone({ onStart: (info: MicrophoneInfo) => (label.textContent = info.track.label) });
 * ```
 */
export interface MicrophoneInfo {
  /** Rate of the emitted chunks: `options.sampleRate`, or else the context's rate. */
  sampleRate: number;
  /** Rate the AudioContext (and the device) runs at. */
  contextSampleRate: number;
  /** The captured track (its `label`, `getSettings()`); stopped on unsubscribe. */
  track: MediaStreamTrack;
}

const PROCESSOR = 'realtime-rx-microphone';

/**
 * The worklet: batches the 128-frame render quanta into chunks of `chunkFrames` mono samples (averaging
 * the channels when the source has several) and transfers each chunk to the main thread, so the main
 * thread gets ~50 messages a second instead of ~375 and nothing is copied on the way.
 */
const WORKLET_SOURCE = `
class RealtimeRxMicrophone extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options.processorOptions.chunkFrames;
    this.chunk = new Float32Array(this.size);
    this.filled = 0;
    this.stopped = false;
    this.port.onmessage = (event) => { if (event.data === 'stop') this.stopped = true; };
  }
  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    const channels = input ? input.length : 0;
    if (channels === 0) return true; // no source connected (yet)
    const frames = input[0].length;
    let offset = 0;
    while (offset < frames) {
      const n = Math.min(frames - offset, this.size - this.filled);
      if (channels === 1) {
        this.chunk.set(input[0].subarray(offset, offset + n), this.filled);
      } else {
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let c = 0; c < channels; c++) sum += input[c][offset + i];
          this.chunk[this.filled + i] = sum / channels;
        }
      }
      this.filled += n;
      offset += n;
      if (this.filled === this.size) {
        this.port.postMessage(this.chunk, [this.chunk.buffer]);
        this.chunk = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}
registerProcessor('${PROCESSOR}', RealtimeRxMicrophone);
`;

/**
 * The microphone as mono Float32 chunks (-1..1), ~`chunkMs` each. Cold: every subscription asks for the
 * microphone (`getUserMedia`, which prompts the user the first time), captures through an AudioWorklet
 * at the device's native rate, and resamples to `options.sampleRate` if given. Unsubscribing stops the
 * tracks (the browser's recording indicator goes off), disconnects the nodes and closes the context
 * (unless it was passed in). Completes if the device goes away (track `ended`).
 *
 * Errors with `AudioError('device')` when the microphone is denied, missing or busy, or the browser has
 * no AudioWorklet (it needs a secure context: https or localhost); with `AudioError('options')` for a bad
 * `sampleRate`/`chunkMs`. A context created without a user gesture may start suspended: it is resumed,
 * which browsers allow once the microphone is granted.
 *
 * @example
 * ```ts
 * const talking = fromMicrophone({ sampleRate: 24000 })
 *   .pipe(toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 }))
 *   .subscribe({
 *     next: (frame) => conversation.audio.next(frame),
 *     error: (e: AudioError) => showError(e.message), // e.g. "microphone permission denied (...)"
 *   });
 * // later: the microphone goes off
 * talking.unsubscribe();
 * ```
 */
export function fromMicrophone(options: MicrophoneOptions = {}): Observable<Float32Array> {
  return new Observable<Float32Array>((subscriber) => {
    const chunkMs = options.chunkMs ?? 20;
    if (!(Number.isFinite(chunkMs) && chunkMs > 0 && chunkMs <= 1000)) {
      subscriber.error(
        new AudioError('options', `chunkMs must be a number of ms in (0, 1000], got ${chunkMs}`),
      );
      return;
    }
    const rate = options.sampleRate;
    const rateProblem = rate === undefined ? undefined : sampleRateProblem(rate);
    if (rateProblem !== undefined) {
      subscriber.error(new AudioError('options', rateProblem));
      return;
    }

    let closed = false;
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let source: MediaStreamAudioSourceNode | undefined;
    let node: AudioWorkletNode | undefined;
    const ownsContext = options.audioContext === undefined;

    const release = (): void => {
      if (node !== undefined) {
        node.port.onmessage = null;
        node.port.postMessage('stop'); // lets the processor be collected
        node.port.close();
        node.disconnect();
        node = undefined;
      }
      source?.disconnect();
      source = undefined;
      stream?.getTracks().forEach((track) => track.stop());
      stream = undefined;
      if (ownsContext && context !== undefined && context.state !== 'closed')
        void context.close().catch(() => undefined);
      context = undefined;
    };

    const start = async (): Promise<void> => {
      const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
      if (devices === undefined || typeof devices.getUserMedia !== 'function') {
        throw new AudioError(
          'device',
          'navigator.mediaDevices.getUserMedia is not available (it needs a browser and a secure context: https or localhost)',
        );
      }
      const audio: MediaTrackConstraints = {
        channelCount: 1,
        echoCancellation: options.echoCancellation ?? true,
        noiseSuppression: options.noiseSuppression ?? true,
        autoGainControl: options.autoGainControl ?? true,
      };
      if (options.deviceId !== undefined) audio.deviceId = { exact: options.deviceId };
      try {
        stream = await devices.getUserMedia({ audio });
      } catch (cause) {
        throw microphoneError(cause, options.deviceId);
      }
      if (closed) return release(); // unsubscribed while the prompt was open
      const track = stream.getAudioTracks()[0];
      if (track === undefined)
        throw new AudioError('device', 'getUserMedia returned a stream without an audio track');

      try {
        // No forced sampleRate: Firefox refuses to connect a MediaStream to a context of another rate.
        context = options.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
      } catch (cause) {
        throw new AudioError('device', `could not create an AudioContext: ${deviceErrorText(cause)}`);
      }
      if (context.state === 'closed')
        throw new AudioError('device', 'the AudioContext passed in options.audioContext is closed');
      await loadWorkletModule(context, PROCESSOR, WORKLET_SOURCE);
      if (closed) return release();

      const contextRate = context.sampleRate;
      const chunkFrames = Math.max(1, Math.round((contextRate * chunkMs) / 1000));
      try {
        source = context.createMediaStreamSource(stream);
        node = new AudioWorkletNode(context, PROCESSOR, {
          numberOfInputs: 1,
          numberOfOutputs: 1, // silent output wired to the destination: some browsers only render pulled nodes
          outputChannelCount: [1],
          processorOptions: { chunkFrames },
        });
      } catch (cause) {
        throw new AudioError(
          'device',
          `could not connect the microphone to the AudioContext: ${deviceErrorText(cause)}`,
        );
      }
      const resampler =
        rate !== undefined && rate !== contextRate ? new Resampler(contextRate, rate, 1) : undefined;
      node.port.onmessage = (event: MessageEvent<Float32Array>) => {
        if (closed) return;
        const chunk = resampler === undefined ? event.data : resampler.process(event.data);
        if (chunk.length > 0) subscriber.next(chunk);
      };
      track.addEventListener('ended', () => {
        if (closed) return;
        const rest = resampler?.flush();
        if (rest !== undefined && rest.length > 0) subscriber.next(rest);
        subscriber.complete();
      });
      source.connect(node);
      node.connect(context.destination);
      // Suspended when created without a user gesture; granting the microphone lets it resume.
      if (context.state !== 'running') void context.resume().catch(() => undefined);
      options.onStart?.({ sampleRate: rate ?? contextRate, contextSampleRate: contextRate, track });
    };

    start().catch((cause: unknown) => {
      release();
      if (!closed)
        subscriber.error(
          cause instanceof AudioError
            ? cause
            : new AudioError('device', `microphone: ${deviceErrorText(cause)}`),
        );
    });

    return () => {
      closed = true;
      release();
    };
  });
}

/** A clear `AudioError('device')` for a `getUserMedia` rejection, by its DOMException name. */
function microphoneError(cause: unknown, deviceId: string | undefined): AudioError {
  // Not every browser's OverconstrainedError is an Error, so read the name structurally.
  const name =
    typeof cause === 'object' && cause !== null && typeof (cause as { name?: unknown }).name === 'string'
      ? (cause as { name: string }).name
      : '';
  const detail = deviceErrorText(cause);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new AudioError(
        'device',
        `microphone permission denied (${detail}); allow the microphone for this site and try again`,
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return new AudioError('device', `no microphone found (${detail})`);
    case 'OverconstrainedError':
      return new AudioError(
        'device',
        deviceId !== undefined
          ? `no microphone with deviceId ${JSON.stringify(deviceId)} (${detail})`
          : `no microphone satisfies the constraints (${detail})`,
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new AudioError(
        'device',
        `the microphone could not be started; another application may be using it (${detail})`,
      );
    default:
      return new AudioError('device', `could not open the microphone: ${detail}`);
  }
}
