/**
 * Hello, realtime-rx: a scripted local server, one conversation, 50 frames of a 440 Hz tone and a text.
 * Run it with `npm start`. In your own code, import from 'realtime-rx' and 'realtime-rx/testing'.
 */
import { firstValueFrom, interval, lastValueFrom, map, range, zip } from 'rxjs';
import { connectConversation, type RealtimeAudioFrame } from '../src/index.js';
import { openaiServerEvent, startScriptedServer } from '../src/testing.js';

const SAMPLE_RATE = 24_000;
const FRAME_SAMPLES = SAMPLE_RATE / 50; // 20 ms

/** Frame `index` of a 440 Hz sine at half scale, as the PCM16 base64 the wire carries. */
function toneFrame(index: number): RealtimeAudioFrame {
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    pcm[i] = Math.round(16_383 * Math.sin((2 * Math.PI * 440 * (index * FRAME_SAMPLES + i)) / SAMPLE_RATE));
  }
  const data = Buffer.from(pcm.buffer).toString('base64');
  return { data, sampleRate: SAMPLE_RATE, numChannels: 1, samplesPerChannel: FRAME_SAMPLES };
}

async function main(): Promise<void> {
  // The server answers the session message, then one audio delta after the 25th frame, then the text.
  // openaiServerEvent fills in every field the GA API sends (ids, indices), which the client checks.
  const reply = openaiServerEvent('response.output_audio.delta', { delta: toneFrame(0).data });
  const item = openaiServerEvent('conversation.item.added', {
    item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi there' }] },
  });
  const batches: unknown[][] = [
    [openaiServerEvent('session.created', { session: { type: 'realtime', id: 'sess_hello' } })],
  ];
  for (let i = 1; i <= 50; i++) batches.push(i === 25 ? [reply] : []);
  batches.push([item]);
  const server = await startScriptedServer([{ batches, keepOpen: true }]);

  const conversation = connectConversation({ url: server.url, prompt: 'You are a friendly test server.' });
  const closed = lastValueFrom(conversation.events$); // events$ always ends with `closed`
  conversation.events$.subscribe((event) => {
    if (event.type === 'audio.out')
      console.log(`audio.out      ${event.frame.sampleRate} Hz, ${event.frame.data.length} base64 chars`);
    else console.log(`${event.type.padEnd(14)} ${JSON.stringify(event)}`);
    if (event.type === 'conversation.item.added') conversation.close();
  });

  // 50 frames paced at real time (one second), then one text.
  zip(range(0, 50), interval(20))
    .pipe(map(([i]) => toneFrame(i)))
    .subscribe({
      next: (frame) => conversation.audio.next(frame),
      complete: () => conversation.text.next('hello from realtime-rx'),
    });

  console.log(`\nclosed because: ${JSON.stringify(await closed)}`);
  console.log(`stats: ${JSON.stringify(await firstValueFrom(conversation.stats$))}`);
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
