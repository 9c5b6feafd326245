/**
 * realtime-rx in the browser: microphone → conversation → player, a live event log, the close reason.
 * Plain DOM, the browser's own WebSocket. Bundled by build.mjs, served by serve.mjs (see README.md).
 */
import { filter, map, Subscription } from 'rxjs';
import {
  bargeIn,
  base64ByteLength,
  connectConversation,
  createAudioPlayer,
  fromMicrophone,
  toAudioFrames,
  type AudioPlayer,
  type Conversation,
  type ConversationStats,
  type RealtimeClosed,
  type RealtimeEvent,
  type RealtimeEventOf,
} from 'realtime-rx';

/** What the realtime API speaks: 24 kHz mono PCM16, here in 20 ms frames. */
const RATE = 24_000;

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('controls');
const url = byId<HTMLInputElement>('url');
const talk = byId<HTMLButtonElement>('talk');
const stop = byId<HTMLButtonElement>('stop');
const status = byId('status');
const level = byId<HTMLMeterElement>('level');
const banner = byId('closed');
const transcript = byId('transcript');
const log = byId<HTMLOListElement>('log');

// `?url=` picks the server; by default the dev server (`npx realtime-rx serve`) on this page's host.
url.value =
  new URLSearchParams(location.search).get('url') ?? `ws://${location.hostname || '127.0.0.1'}:8011`;

/** What the page did, for spec/browser/example.spec.ts to read; the example does not need it. */
const probe = {
  state: 'idle',
  heardMs: 0,
  peak: 0,
  closed: undefined as RealtimeClosed | undefined,
  /** When the client secret the page connected with expires (seconds since the epoch). */
  keyExpiresAt: undefined as number | undefined,
};
(window as unknown as { example: typeof probe }).example = probe;

/** Releases the previous conversation's audio (its reply may still be playing when it closed). */
let release: (() => void) | undefined;

form.onsubmit = (submit) => {
  submit.preventDefault();
  release?.();
  log.replaceChildren();
  transcript.replaceChildren();
  banner.hidden = true;
  probe.closed = undefined;

  // Created in the click handler, so the browser lets it play. Microphone and player share it; the
  // player plays into an analyser for the output meter.
  const audioContext = new AudioContext({ latencyHint: 'interactive' });
  const analyser = audioContext.createAnalyser();
  analyser.connect(audioContext.destination);
  const player = createAudioPlayer({ audioContext, destination: analyser });
  const session = new Subscription();
  const meter = setInterval(() => showLevel(analyser), 50);
  release = () => {
    session.unsubscribe();
    clearInterval(meter);
    void player.close().then(() => audioContext.close());
  };
  talk.disabled = true; // one conversation at a time
  probe.keyExpiresAt = undefined;

  // A short-lived key first, from this page's own server: never put an API key in a page.
  const serverUrl = url.value;
  clientSecret(serverUrl).then(
    ({ value, expires_at }) => {
      probe.keyExpiresAt = expires_at;
      addLine('client secret', `valid until ${new Date(expires_at * 1000).toLocaleTimeString()}`);
      start(serverUrl, value, audioContext, player, session);
    },
    (error: unknown) => {
      talk.disabled = false;
      showClosed(
        `could not get a client secret: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    },
  );
};

/**
 * Asks this page's server (serve.mjs) for a client secret for the realtime server at `serverUrl`. It mints
 * one with `POST /v1/realtime/client_secrets`: from the dev server here, from OpenAI (with your API key,
 * which stays on your server) in an app.
 */
async function clientSecret(serverUrl: string): Promise<{ value: string; expires_at: number }> {
  const response = await fetch('/realtime/client-secret', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: serverUrl }),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    value?: string;
    expires_at?: number;
    error?: string;
  };
  if (!response.ok || answer.value === undefined || answer.expires_at === undefined)
    throw new Error(answer.error ?? `HTTP ${response.status} from /realtime/client-secret`);
  return { value: answer.value, expires_at: answer.expires_at };
}

/** The conversation, with the key: microphone → conversation → player, and every event in the log. */
function start(
  serverUrl: string,
  apiKey: string,
  audioContext: AudioContext,
  player: AudioPlayer,
  session: Subscription,
): void {
  let conversation: Conversation;
  try {
    // An `ek_` key travels as the subprotocol `openai-insecure-api-key.<key>`: a browser sends no headers.
    conversation = connectConversation({ url: serverUrl, apiKey, prompt: 'Be brief.' });
  } catch (error) {
    talk.disabled = false;
    return showClosed(`could not start: ${String(error)}`, true);
  }
  stop.disabled = false;
  stop.onclick = () => {
    conversation.close(); // events$ ends with closed{reason: 'requested'}
    player.clear(); // and the reply stops now
  };

  // Assistant audio → the player. The other subscriptions see every event too: events$ is hot.
  session.add(
    conversation.events$
      .pipe(
        filter((e): e is RealtimeEventOf<'audio.out'> => e.type === 'audio.out'),
        map((e) => e.frame),
      )
      .subscribe(player),
  );
  // Barge-in: talking over the reply cancels it and truncates it at what was heard (this subscription
  // must see speech.started before the player is cleared, below).
  session.add(
    conversation.events$.pipe(bargeIn(player.playedMs$)).subscribe((c) => conversation.control.next(c)),
  );
  session.add(
    conversation.events$.pipe(filter((e) => e.type === 'speech.started')).subscribe(() => player.clear()),
  );
  session.add(
    conversation.events$.subscribe({
      next: showEvent,
      // events$ never errors: it ends with `closed`, then completes. The microphone goes off.
      complete: () => {
        talk.disabled = false;
        stop.disabled = true;
        session.unsubscribe();
      },
    }),
  );
  let stats: ConversationStats | undefined;
  session.add(conversation.stats$.subscribe((s) => ((stats = s), showStatus(stats))));
  session.add(conversation.state$.subscribe((state) => ((probe.state = state), showStatus(stats))));
  // How much of the reply was heard: playedMs$ counts per item and restarts at 0 for the next one.
  let heardBefore = 0;
  let current = 0;
  session.add(
    player.playedMs$.subscribe((ms) => {
      if (ms < current) heardBefore += current;
      current = ms;
      probe.heardMs = heardBefore + current;
      showStatus(stats);
    }),
  );

  // Microphone → 20 ms frames at 24 kHz → the audio lane (which never blocks: drop-newest when full).
  session.add(
    fromMicrophone({ sampleRate: RATE, audioContext })
      .pipe(toAudioFrames({ sampleRate: RATE, numChannels: 1, frameMs: 20 }))
      .subscribe({
        next: (frame) => conversation.audio.next(frame),
        error: (error: unknown) => {
          addLine('microphone', String(error)); // e.g. AudioError: microphone permission denied (...)
          conversation.close();
        },
      }),
  );
}

function showStatus(stats: ConversationStats | undefined): void {
  const sent = stats === undefined ? '' : ` · sent ${stats.audioSent} frames, dropped ${stats.audioDropped}`;
  status.textContent = `${probe.state}${sent} · heard ${(probe.heardMs / 1000).toFixed(1)} s`;
}

function showLevel(analyser: AnalyserNode): void {
  const samples = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(samples);
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  level.value = peak;
  probe.peak = Math.max(probe.peak, peak);
}

function closeText(closed: RealtimeClosed): string {
  const code = closed.code === undefined ? '' : ` (code ${closed.code})`;
  return `${closed.reason}${code}${closed.detail ? `: ${closed.detail}` : ''}`;
}

function showClosed(text: string, error: boolean): void {
  banner.textContent = `Closed: ${text}`;
  banner.classList.toggle('error', error);
  banner.hidden = false;
  addLine('closed', text).className = 'closed';
}

/**
 * Runs of deltas share a line per kind (audio.out, transcript.delta by role) until another event comes:
 * a server interleaves the reply's audio and transcript deltas.
 */
const runs = new Map<string, { line: HTMLLIElement; count: number; ms: number }>();
/** The transcript paragraph being written. */
let speaking: { role: string; line: HTMLElement; text: string } | undefined;

function showEvent(event: RealtimeEvent): void {
  switch (event.type) {
    case 'audio.out': {
      const { data, sampleRate, numChannels } = event.frame;
      const run = aggregate('audio.out');
      run.ms += (base64ByteLength(data) / 2 / numChannels / sampleRate) * 1000;
      run.line.textContent = `audio.out ×${run.count}: ${Math.round(run.ms)} ms of audio`;
      return;
    }
    case 'transcript.delta': {
      if (speaking?.role !== event.role) transcript.append((speaking = newParagraph(event.role)).line);
      speaking.text += event.delta;
      speaking.line.textContent = `${event.role}: ${speaking.text}`;
      const run = aggregate(`transcript.delta (${event.role})`);
      run.line.textContent = `transcript.delta ×${run.count} (${event.role}): ${speaking.text}`;
      return;
    }
    case 'transcript.done':
      if (speaking?.role !== event.role) transcript.append((speaking = newParagraph(event.role)).line);
      speaking.line.textContent = `${event.role}: ${event.text}`; // the whole text, as the server has it
      speaking = undefined;
      addLine(event.type, `(${event.role}) ${event.text}`);
      return;
    case 'closed':
      probe.closed = event;
      showClosed(closeText(event), event.reason === 'error');
      return;
    default: {
      const { type, ...rest } = event;
      addLine(type, JSON.stringify(rest).slice(0, 160));
    }
  }
}

function newParagraph(role: string): NonNullable<typeof speaking> {
  return { role, line: document.createElement('p'), text: '' };
}

/** The line of the current run of `key` deltas, counting this one. */
function aggregate(key: string): { line: HTMLLIElement; count: number; ms: number } {
  let run = runs.get(key);
  if (run === undefined) runs.set(key, (run = { line: appendLine(key), count: 0, ms: 0 }));
  run.count++;
  return run;
}

/** A line for an event of its own: it ends the runs of deltas. */
function addLine(type: string, text: string): HTMLLIElement {
  runs.clear();
  return appendLine(text === '' || text === '{}' ? type : `${type}: ${text}`);
}

function appendLine(text: string): HTMLLIElement {
  const line = document.createElement('li');
  line.textContent = text;
  log.append(line);
  line.scrollIntoView({ block: 'nearest' });
  return line;
}
