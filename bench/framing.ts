/*
 * Framing micro-benchmark: the CPU of masking one 20 ms audio frame (the openai dialect's JSON around
 * 1 280 base64 characters) into a WebSocket frame, made in Node's buffer pool (a new frame each time)
 * or in memory kept per socket and reused (what nodeWebSocketFactory's sockets do for their audio
 * frames once the last one is written out). 1 000 sockets' worth of memory, a frame for each in turn,
 * as at 1 000 conversations; rounds alternate, medians of 8.
 *
 *   node --import tsx bench/framing.ts
 */
import { FrameMemory, maskedTextFrame } from '../src/transport/textFrame.js';
import { FRAMES } from './measure.js';

const HEAD = '{"type":"input_audio_buffer.append","audio":"';
const TAIL = '"}';
const SOCKETS = 1000;
const data = FRAMES.map((samples) =>
  Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64'),
);
const bytes = maskedTextFrame(data[0], HEAD, TAIL)!.length;
const memories = Array.from({ length: SOCKETS }, () => new FrameMemory(bytes));
let checksum = 0; // read from every frame, so none is optimised away

/** ns per frame over `ticks` frames for every socket. */
function run(reuse: boolean, ticks: number): number {
  const start = process.cpuUsage();
  for (let t = 0; t < ticks; t++) {
    const text = data[t % data.length];
    for (let i = 0; i < SOCKETS; i++)
      checksum += maskedTextFrame(text, HEAD, TAIL, reuse ? memories[i] : undefined)![9];
  }
  const { user, system } = process.cpuUsage(start);
  return ((user + system) * 1000) / (ticks * SOCKETS);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
run(false, 200);
run(true, 200);
const pool: number[] = [];
const own: number[] = [];
for (let round = 0; round < 8; round++) {
  if (round % 2 === 0) pool.push(run(false, 300));
  own.push(run(true, 300));
  if (round % 2 === 1) pool.push(run(false, 300));
}
const show = (values: number[]) =>
  `${median(values).toFixed(0)} ns (${values.map((v) => v.toFixed(0)).join(' ')})`;
console.log(`one 20 ms audio frame framed and masked, ${SOCKETS} sockets in turn:`);
console.log(`  Node's pool, a new frame each time: ${show(pool)}`);
console.log(`  the socket's own memory, reused:    ${show(own)}`);
console.log(`  (checksum ${checksum})`);
