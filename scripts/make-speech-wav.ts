/**
 * Writes examples/speech.wav: 2 s of deterministic speech-like audio (voiced syllables with a moving
 * pitch and vowel-like harmonics, short gaps between them) and 1 s of silence, at 16 kHz mono, so that
 * the demo exercises resampling (16 → 24 kHz) and the dev server's voice-activity detection.
 * Run: npx tsx scripts/make-speech-wav.ts
 */
import { writeFileSync } from 'node:fs';
import { floatToPcm16 } from '../src/audio/pcm.js';
import { encodeWav } from '../src/audio/wav.js';

const RATE = 16_000;
const samples = new Float32Array(RATE * 3);
// Syllables: [start s, length s, base pitch Hz, vowel: the strengths of harmonics 1..8].
const syllables: [number, number, number, number[]][] = [
  [0.0, 0.28, 140, [1, 0.8, 0.6, 0.2, 0.1, 0.05, 0.03, 0.02]],
  [0.36, 0.22, 155, [1, 0.4, 0.2, 0.5, 0.4, 0.1, 0.05, 0.02]],
  [0.66, 0.34, 130, [1, 0.9, 0.3, 0.1, 0.2, 0.3, 0.1, 0.05]],
  [1.08, 0.2, 165, [1, 0.5, 0.5, 0.3, 0.1, 0.05, 0.02, 0.01]],
  [1.36, 0.3, 150, [1, 0.7, 0.2, 0.4, 0.3, 0.1, 0.05, 0.02]],
  [1.74, 0.26, 120, [1, 0.6, 0.4, 0.2, 0.1, 0.05, 0.02, 0.01]],
];
for (const [start, length, pitch, harmonics] of syllables) {
  const first = Math.round(start * RATE);
  const count = Math.round(length * RATE);
  let phase = 0;
  for (let i = 0; i < count; i++) {
    const t = i / count;
    const envelope = Math.sin(Math.PI * t) ** 0.6; // soft attack and release, no clicks
    const f0 = pitch * (1 + 0.08 * Math.sin(2 * Math.PI * t)); // intonation
    phase += (2 * Math.PI * f0) / RATE;
    let value = 0;
    harmonics.forEach((strength, h) => (value += strength * Math.sin((h + 1) * phase)));
    samples[first + i] = 0.25 * envelope * value;
  }
}
writeFileSync(
  new URL('../examples/speech.wav', import.meta.url),
  encodeWav(floatToPcm16(samples), { sampleRate: RATE, numChannels: 1 }),
);
console.log(`wrote examples/speech.wav: ${samples.length / RATE} s at ${RATE} Hz`);
