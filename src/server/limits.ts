// The dev server's bounds: what one client may cost it, so that it stays up for every other client.
// docs/reliability.md ("The dev server under abuse") explains each choice.

/** Largest inbound frame by default: a 20 ms audio frame is a few KB, a session message a few KiB. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** Longest a connection may take to complete its handshake by default: the client's own `connectTimeoutMs`. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Unread replies above which the server stops reading a client, by default. */
export const DEFAULT_MAX_SEND_BUFFER_BYTES = 1024 * 1024;

/** A client whose unread replies stay over the bound this long is dropped: it is not reading. */
export const SEND_STALL_DROP_MS = 10_000;

/** A connection pauses after this many bytes read, until the other sockets have had their turn. */
export const READ_TURN_BYTES = 256 * 1024;

/** Input sample rates the server accepts, in Hz: telephony to studio. */
export const MIN_INPUT_RATE = 8000;
export const MAX_INPUT_RATE = 96_000;

/** Most interleaved channels an input frame may have. */
export const MAX_INPUT_CHANNELS = 8;

/**
 * Most distinct input rates one connection may use: each new one designs a resampling filter (tens of
 * ms and up to ~2 MiB for an odd rate), so a client cycling through rates would stall everyone.
 */
export const MAX_INPUT_RATES_PER_CONNECTION = 8;

/**
 * Most input audio a connection buffers (one utterance, or a manual turn not yet committed), in ms: its
 * latest part is kept. At 24 kHz that is 5.8 MB of samples.
 */
export const MAX_BUFFERED_INPUT_MS = 60_000;

/** Client secrets remembered: the latest this many minted. */
export const MAX_CLIENT_SECRETS = 10_000;

/** `connections()` keeps the latest this many entries. */
export const MAX_CONNECTION_STATS = 10_000;

/** Why an input frame's rate or channel count is refused, or undefined when both are fine. */
export function audioInputProblem(sampleRate: number, numChannels: number): string | undefined {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_INPUT_RATE || sampleRate > MAX_INPUT_RATE)
    return `sample_rate must be an integer from ${MIN_INPUT_RATE} to ${MAX_INPUT_RATE} Hz, got ${String(sampleRate)}`;
  if (!Number.isInteger(numChannels) || numChannels < 1 || numChannels > MAX_INPUT_CHANNELS)
    return `num_channels must be an integer from 1 to ${MAX_INPUT_CHANNELS}, got ${String(numChannels)}`;
  return undefined;
}
