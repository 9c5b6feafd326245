export { AudioError, type AudioErrorKind } from './audioError.js';
export { floatToPcm16, pcm16ToFloat, toFloat32, toPcm16 } from './pcm.js';
export { base64ToBytes, base64ToPcm16, bytesToBase64, pcm16ToBase64 } from './base64.js';
export { deinterleave, downmix, interleave, type SameSamplesOperator } from './channels.js';
export { resample, Resampler, type ResampleOptions } from './resample.js';
export { fromAudioFrames, toAudioFrames, type AudioFramesOptions } from './frames.js';
export { decodeWav, encodeWav } from './wav.js';
export { fromMicrophone, type MicrophoneInfo, type MicrophoneOptions } from './browser/microphone.js';
export { createAudioPlayer, type AudioPlayer, type AudioPlayerOptions } from './browser/player.js';
