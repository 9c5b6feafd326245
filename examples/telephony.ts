/**
 * A phone call: μ-law audio at 8 kHz in and out, as a telephony line carries it (RTP packets of
 * 20 ms, 160 bytes). The session speaks G.711 in both directions, so nothing is transcoded: the line's
 * bytes are framed as they come, and the reply's frames are bytes for the line again. It runs against
 * the local dev server (here started in-process; in your app, `npx realtime-rx serve`), which echoes
 * what it hears. Run it with `npm run example:telephony`.
 */
import { writeFileSync } from 'node:fs';
import { from, interval, lastValueFrom, map, take, toArray } from 'rxjs';
import {
  connectConversation,
  encodeWav,
  fromAudioFrames,
  pcm16ToG711,
  toAudioFrames,
  type RealtimeAudioFrame,
} from '../src/index.js';
import { startDevServer } from '../src/server/devServer.js';

const RATE = 8000;
const PACKET = 160; // bytes: 20 ms of μ-law
const SPEECH_PACKETS = 40; // 0.8 s of a voice-like tone...
const PACKETS = 80; // ...then 0.8 s of silence, so the server hears the turn end

/** Packet `n` of the caller's side of the line: μ-law bytes, as an RTP payload would hold them. */
function linePacket(n: number): Uint8Array {
  const pcm = new Int16Array(PACKET);
  if (n < SPEECH_PACKETS)
    for (let i = 0; i < PACKET; i++) {
      const t = (n * PACKET + i) / RATE;
      pcm[i] = Math.round(
        8000 * Math.sin(2 * Math.PI * 220 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)),
      );
    }
  return pcm16ToG711(pcm, 'ulaw');
}

async function main(): Promise<void> {
  const server = await startDevServer({ dialect: 'openai' });
  const ulaw = { type: 'audio/pcmu' } as const;
  const call = connectConversation({
    url: server.url,
    prompt: 'You answer the phone.',
    session: { inputFormat: ulaw, outputFormat: ulaw },
  });

  const reply: RealtimeAudioFrame[] = [];
  call.events$.subscribe((event) => {
    if (event.type === 'audio.out')
      reply.push(event.frame); // bytes for the line: send them as they come
    else if (event.type === 'speech.started') console.log('caller speaks');
    else if (event.type === 'speech.stopped') console.log(`caller stopped at ${event.audioEndMs} ms`);
    else if (event.type === 'response.done') {
      console.log(`reply done (${event.status}), ${event.usage?.totalTokens ?? 0} tokens`);
      call.close();
    }
  });

  // The line, paced at real time: 20 ms packets of μ-law, framed for the conversation as they are.
  interval(20)
    .pipe(
      take(PACKETS),
      map(linePacket),
      toAudioFrames({ sampleRate: RATE, numChannels: 1, frameMs: 20, encoding: 'g711_ulaw' }),
    )
    .subscribe(call.audio);

  const closed = await lastValueFrom(call.events$);
  const bytes = reply.reduce((sum, frame) => sum + Buffer.from(frame.data, 'base64').length, 0);
  console.log(
    `reply: ${reply.length} frames of ${reply[0]?.encoding} at ${reply[0]?.sampleRate} Hz, ${bytes} bytes (${bytes / RATE} s)`,
  );
  // For a listener rather than a line: G.711 frames decode to PCM16 like any other.
  const pcm = await collect(reply);
  writeFileSync('telephony-reply.wav', encodeWav(pcm, { sampleRate: RATE, numChannels: 1 }));
  console.log(`wrote telephony-reply.wav; closed: ${closed.type === 'closed' ? closed.reason : '?'}`);
  await server.close();
}

/** The reply as one PCM16 signal. */
async function collect(frames: RealtimeAudioFrame[]): Promise<Int16Array> {
  const chunks = await lastValueFrom(from(frames).pipe(fromAudioFrames(), toArray()));
  const out = new Int16Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
