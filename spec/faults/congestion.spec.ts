/*
 * Congestion the socket can't hide: a server that stops reading while audio flows at real time.
 * The backlog sits in the operating system's buffers, where `bufferedAmount` never sees it; the
 * ping→pong probe does (see src/transport/backlogProbe.ts).
 */
import { pcmFrame, statsOf } from '../helpers';
import {
  answerSession,
  installFaultGuards,
  open,
  sleep,
  startWsServer,
  textOf,
  until,
  type Recorded,
} from './harness';

installFaultGuards();

/** 20 ms of 24 kHz PCM16: about 1.4 KB of JSON, the size real microphones send. */
const frame = pcmFrame(480, 24_000, 777);

/** Pushes one frame every 20 ms (real time) until stopped. */
function streamAudio(c: Recorded): () => void {
  const timer = setInterval(() => c.conversation.audio.next(frame), 20);
  return () => clearInterval(timer);
}

async function sessionOpen(c: Recorded): Promise<void> {
  await until(() => c.ofType('session.created').length > 0, 3000, 'session.created');
}

const typesOf = (messages: readonly unknown[]) => messages.map((m) => (m as { type?: string }).type);

describe('congestion measured by ping→pong (Node)', () => {
  it('a server that stops reading turns the signal within about maxDelayMs: audio drops, texts wait, then go first when it reads again', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, {
      audioBufferFrames: 5,
      congestion: { maxDelayMs: 100, probeIntervalMs: 20 },
    });
    await sessionOpen(c);
    const conn = server.connections[0];
    const stop = streamAudio(c);
    try {
      await sleep(200); // flowing: nothing dropped
      expect((await statsOf(c.conversation.stats$)).audioDropped).toBe(0);

      conn.ws.pause();
      const pausedAt = Date.now();
      await until(
        () => c.stats.some((s) => s.audioDropped > 0),
        3000,
        'audio dropped after the server stopped reading',
      );
      // 100 ms of delay + 5 held frames (100 ms) + detection on the next frame: well under a second.
      expect(Date.now() - pausedAt).toBeLessThan(1000);

      c.conversation.text.next('first');
      c.conversation.text.next('second');
      await sleep(100);
      const congested = await statsOf(c.conversation.stats$);
      expect(congested).toMatchObject({ textSent: 0, textQueued: 2 });
      expect(congested.audioDropped).toBeGreaterThan(0);
      const wireBefore = conn.messages.length;

      conn.ws.resume();
      await until(() => conn.messages.some((m) => textOf(m) === 'second'), 3000, 'the texts at the server');
      // Recovers: audio flows again after the texts.
      await until(
        () =>
          typesOf(conn.messages).lastIndexOf('response.input_audio.delta') >
          conn.messages.findIndex((m) => textOf(m) === 'second'),
        3000,
        'audio after the texts',
      );
      const after = conn.messages.slice(wireBefore);
      const firstText = after.findIndex((m) => textOf(m) === 'first');
      // Only the audio sent before the signal turned (already on the wire) may precede the texts.
      expect(typesOf(after.slice(0, firstText)).every((t) => t === 'response.input_audio.delta')).toBe(true);
      expect(after.slice(firstText, firstText + 2).map(textOf)).toEqual(['first', 'second']);
      const recovered = await statsOf(c.conversation.stats$);
      expect(recovered).toMatchObject({ textSent: 2, textQueued: 0 });
      expect(recovered.audioSent).toBeGreaterThan(congested.audioSent);
    } finally {
      stop();
    }
    c.conversation.close();
    await c.finished();
  });

  it('without the probe the same stall stays invisible: bufferedAmount sees nothing and no audio is dropped', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, { audioBufferFrames: 5, congestion: false });
    await sessionOpen(c);
    const conn = server.connections[0];
    const stop = streamAudio(c);
    try {
      await sleep(100);
      conn.ws.pause();
      await sleep(600);
      // 30 frames went into the operating system's buffers: the client believes the socket is writable.
      c.conversation.text.next('late');
      await sleep(50);
      const stalled = await statsOf(c.conversation.stats$);
      expect(stalled.audioDropped).toBe(0);
      expect(stalled.textSent).toBe(1); // "sent", yet it waits behind the backlog the client cannot see
      expect(conn.messages.some((m) => textOf(m) === 'late')).toBe(false);
      conn.ws.resume();
      await until(() => conn.messages.some((m) => textOf(m) === 'late'), 3000, 'the text at the server');
    } finally {
      stop();
    }
    c.conversation.close();
    await c.finished();
  });
});
