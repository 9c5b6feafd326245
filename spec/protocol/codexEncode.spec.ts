import { audioEnvelope, encodeText, sessionMessage } from '../../src/protocol/codex/encode';
import type { RealtimeAudioFrame } from '../../src/protocol/frame';
import { audioText } from './audioText';

const encodeAudio = (frame: RealtimeAudioFrame) => audioText({ audioEnvelope }, frame);

describe('codex sessionMessage', () => {
  it('sends the prompt and the conversation id, in the seed key order', () => {
    expect(sessionMessage({ url: 'http://h', prompt: 'be brief', sessionId: 'conv_1' })).toBe(
      '{"type":"session.create","session":{"backend_prompt":"be brief","conversation_id":"conv_1"}}',
    );
  });

  it('sends an empty prompt and no conversation_id by default', () => {
    expect(sessionMessage({ url: 'http://h' })).toBe(
      '{"type":"session.create","session":{"backend_prompt":""}}',
    );
  });

  it('escapes the prompt', () => {
    expect(sessionMessage({ url: 'http://h', prompt: 'say "hi"\n' })).toBe(
      '{"type":"session.create","session":{"backend_prompt":"say \\"hi\\"\\n"}}',
    );
  });
});

describe('codex encodeAudio', () => {
  it('includes samples_per_channel when present', () => {
    expect(encodeAudio({ data: 'AAAA', sampleRate: 48000, numChannels: 1, samplesPerChannel: 960 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":48000,"num_channels":1,"samples_per_channel":960}',
    );
  });

  it('leaves samples_per_channel out when absent', () => {
    expect(encodeAudio({ data: 'AAAA', sampleRate: 24000, numChannels: 2 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":2}',
    );
  });

  it.each([
    [{ data: 'AAECAw==', sampleRate: 16000, numChannels: 1, samplesPerChannel: 2 }],
    [{ data: '', sampleRate: 8000, numChannels: 1 }],
    [{ data: 'ab+/AAAA', sampleRate: 44100, numChannels: 1, itemId: 'ignored' }],
  ])('equals JSON.stringify of the same object (%#)', (frame) => {
    const expected: Record<string, unknown> = {
      type: 'response.input_audio.delta',
      delta: frame.data,
      sample_rate: frame.sampleRate,
      num_channels: frame.numChannels,
    };
    if ('samplesPerChannel' in frame) expected.samples_per_channel = frame.samplesPerChannel;
    expect(encodeAudio(frame)).toBe(JSON.stringify(expected));
  });
});

describe('codex encodeText', () => {
  it('wraps the text in a user message item', () => {
    expect(encodeText('hello')).toBe(
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"hello"}]}}',
    );
  });

  it('escapes quotes, backslashes, newlines and keeps unicode', () => {
    expect(encodeText('a "b"\\c\nd\té 🎤')).toBe(
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"a \\"b\\"\\\\c\\nd\\té 🎤"}]}}',
    );
  });

  it('round-trips through JSON.parse', () => {
    const text = '</script>\u2028\u0000"';
    expect(JSON.parse(encodeText(text))).toEqual({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'text', text }] },
    });
  });

  it('keeps the envelope of the last format, and makes another when the format changes', () => {
    const mono = { data: 'AAAA', sampleRate: 24000, numChannels: 1 };
    const first = audioEnvelope(mono);
    expect(audioEnvelope({ ...mono, data: 'AQID' })).toBe(first);
    expect(encodeAudio({ ...mono, samplesPerChannel: 2 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":1,"samples_per_channel":2}',
    );
    expect(encodeAudio({ ...mono, numChannels: 2 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":2}',
    );
    expect(encodeAudio(mono)).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":1}',
    );
  });
});
