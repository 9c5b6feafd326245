import fc from 'fast-check';
import { openaiAudioProblem, openaiDialect } from '../../src/protocol/openai';
import type { SessionParams } from '../../src/protocol/dialect';
import type { RealtimeControl } from '../../src/protocol/control';
import { audioText } from './audioText';

const session = (params: Partial<SessionParams> = {}) =>
  openaiDialect.prepare({ url: 'https://api.openai.com', ...params }).newSession();

const ITEM = (text: string) =>
  JSON.stringify({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });

describe('openai encodeAudio', () => {
  it('sends only the samples, byte-exact', () => {
    expect(
      audioText(session(), { data: 'AAAA', sampleRate: 24000, numChannels: 1, samplesPerChannel: 1 }),
    ).toBe('{"type":"input_audio_buffer.append","audio":"AAAA"}');
  });

  it('equals JSON.stringify of the GA object for any base64 data', () => {
    fc.assert(
      fc.property(fc.base64String(), (data) => {
        const encoded = audioText(session(), { data, sampleRate: 24000, numChannels: 1 });
        expect(encoded).toBe(JSON.stringify({ type: 'input_audio_buffer.append', audio: data }));
      }),
    );
  });

  it('gives one envelope for every frame: nothing is made per frame', () => {
    const s = session();
    const envelope = s.audioEnvelope({ data: 'AAAA', sampleRate: 24000, numChannels: 1 });
    expect(
      s.audioEnvelope({ data: 'AQIDBAUG', sampleRate: 24000, numChannels: 1, samplesPerChannel: 3 }),
    ).toBe(envelope);
    expect(envelope).toEqual(['{"type":"input_audio_buffer.append","audio":"', '"}']);
  });
});

describe('openaiAudioProblem', () => {
  it('accepts 24 kHz mono PCM16', () => {
    expect(openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 24000, numChannels: 1 })).toBeUndefined();
    expect(
      openaiAudioProblem({ data: '', sampleRate: 24000, numChannels: 1, samplesPerChannel: 0 }),
    ).toBeUndefined();
  });

  it('refuses another rate or channel count, saying what to do', () => {
    expect(openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 48000, numChannels: 1 })).toBe(
      'the openai session takes PCM16 at 24000 Hz, mono, got 48000 Hz with 1 channel(s): resample(48000, 24000) first',
    );
    expect(openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 24000, numChannels: 2 })).toBe(
      'the openai session takes PCM16 at 24000 Hz, mono, got 24000 Hz with 2 channel(s): mix down to mono first',
    );
    expect(openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 16000, numChannels: 2 })).toBe(
      'the openai session takes PCM16 at 24000 Hz, mono, got 16000 Hz with 2 channel(s): resample(16000, 24000) and mix down to mono first',
    );
  });

  it('takes the format of a G.711 session, and says what to do with frames of another encoding', () => {
    const ulaw = { type: 'audio/pcmu' } as const;
    expect(
      openaiAudioProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'g711_ulaw' }, ulaw),
    ).toBeUndefined();
    expect(openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 8000, numChannels: 1 }, ulaw)).toBe(
      "the openai session takes G.711 μ-law (g711_ulaw) at 8000 Hz, mono, got pcm16 frames: encode it with toG711('ulaw')",
    );
    expect(
      openaiAudioProblem(
        { data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'g711_ulaw' },
        { type: 'audio/pcma' },
      ),
    ).toBe(
      "the openai session takes G.711 A-law (g711_alaw) at 8000 Hz, mono, got g711_ulaw frames: encode it with toG711('alaw')",
    );
    expect(
      openaiAudioProblem({ data: 'AAAA', sampleRate: 16000, numChannels: 1, encoding: 'g711_ulaw' }, ulaw),
    ).toBe(
      'the openai session takes G.711 μ-law (g711_ulaw) at 8000 Hz, mono, got 16000 Hz with 1 channel(s): resample(16000, 8000) first',
    );
    expect(
      openaiAudioProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'g711_alaw' }),
    ).toBe(
      "the openai session takes PCM16 at 24000 Hz, mono, got g711_alaw frames: decode it (fromG711) or set the session's inputFormat",
    );
  });

  it('includes the generic frame checks', () => {
    expect(openaiAudioProblem({ data: 'AAA', sampleRate: 24000, numChannels: 1 })).toBe('data is not base64');
    expect(openaiAudioProblem({ data: 'AA==', sampleRate: 24000, numChannels: 1 })).toBe(
      'data holds 1 bytes, not whole 16-bit samples for 1 channel(s)',
    );
    expect(openaiAudioProblem(null)).toMatch(/^not an audio frame/);
  });
});

describe('openai encodeText', () => {
  it('sends the item then a response request', () => {
    expect(session().encodeText('hello')).toEqual([
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}}',
      '{"type":"response.create"}',
    ]);
  });

  it('escapes any text like JSON.stringify', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(session({ respondToText: false }).encodeText(text)).toEqual([ITEM(text)]);
      }),
    );
    expect(session({ respondToText: false }).encodeText('a"b\\c\n\u2028')).toEqual([ITEM('a"b\\c\n\u2028')]);
  });

  it('sends no response request with respondToText false', () => {
    const s = session({ respondToText: false });
    expect(s.encodeText('a')).toEqual([ITEM('a')]);
    // ...and did not mark a response active: an explicit request still goes out at once
    expect(s.encodeControl({ type: 'response.create' })).toEqual({ frames: ['{"type":"response.create"}'] });
  });

  it('with an item id, the item carries it (what the server names back): JSON.stringify of the GA object', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), (text, id) => {
        expect(session({ respondToText: false }).encodeText(text, id)).toEqual([
          JSON.stringify({
            type: 'conversation.item.create',
            item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
          }),
        ]);
      }),
    );
    expect(openaiDialect.acknowledgesItems).toBe(true);
  });
});

describe('openai encodeControl', () => {
  it('response.create, with or without instructions', () => {
    expect(session().encodeControl({ type: 'response.create' })).toEqual({
      frames: ['{"type":"response.create"}'],
    });
    expect(session().encodeControl({ type: 'response.create', instructions: 'Say "bye"' })).toEqual({
      frames: ['{"type":"response.create","response":{"instructions":"Say \\"bye\\""}}'],
    });
  });

  it('response.cancel, as is', () => {
    expect(session().encodeControl({ type: 'response.cancel' })).toEqual({
      frames: ['{"type":"response.cancel"}'],
    });
  });

  it('tool.output, then a response request unless respond is false', () => {
    const output =
      '{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{\\"ok\\":true}"}}';
    expect(session().encodeControl({ type: 'tool.output', callId: 'call_1', output: '{"ok":true}' })).toEqual(
      {
        frames: [output, '{"type":"response.create"}'],
      },
    );
    expect(
      session().encodeControl({
        type: 'tool.output',
        callId: 'call_1',
        output: '{"ok":true}',
        respond: true,
      }),
    ).toEqual({
      frames: [output, '{"type":"response.create"}'],
    });
    expect(
      session().encodeControl({
        type: 'tool.output',
        callId: 'call_1',
        output: '{"ok":true}',
        respond: false,
      }),
    ).toEqual({
      frames: [output],
    });
  });

  it('item.truncate with integer milliseconds, content index 0 by default', () => {
    expect(session().encodeControl({ type: 'item.truncate', itemId: 'item_1', audioEndMs: 1500 })).toEqual({
      frames: [
        '{"type":"conversation.item.truncate","item_id":"item_1","content_index":0,"audio_end_ms":1500}',
      ],
    });
    expect(
      session().encodeControl({ type: 'item.truncate', itemId: 'item_1', contentIndex: 2, audioEndMs: 0 }),
    ).toEqual({
      frames: ['{"type":"conversation.item.truncate","item_id":"item_1","content_index":2,"audio_end_ms":0}'],
    });
  });

  it('item.delete', () => {
    expect(session().encodeControl({ type: 'item.delete', itemId: 'item_9' })).toEqual({
      frames: ['{"type":"conversation.item.delete","item_id":"item_9"}'],
    });
  });

  it.each<[string, RealtimeControl, string]>([
    [
      'fractional audioEndMs',
      { type: 'item.truncate', itemId: 'i', audioEndMs: 12.5 },
      'item.truncate audioEndMs must be a non-negative integer (milliseconds of audio actually played), got 12.5',
    ],
    [
      'negative audioEndMs',
      { type: 'item.truncate', itemId: 'i', audioEndMs: -1 },
      'item.truncate audioEndMs must be a non-negative integer (milliseconds of audio actually played), got -1',
    ],
    [
      'NaN audioEndMs',
      { type: 'item.truncate', itemId: 'i', audioEndMs: Number.NaN },
      'item.truncate audioEndMs must be a non-negative integer (milliseconds of audio actually played), got NaN',
    ],
    [
      'bad contentIndex',
      { type: 'item.truncate', itemId: 'i', contentIndex: -1, audioEndMs: 1 },
      'item.truncate contentIndex must be a non-negative integer, got -1',
    ],
    [
      'empty truncate item',
      { type: 'item.truncate', itemId: '', audioEndMs: 1 },
      'item.truncate itemId must be a non-empty string',
    ],
    [
      'empty delete item',
      { type: 'item.delete', itemId: '' },
      'item.delete itemId must be a non-empty string',
    ],
    [
      'empty call id',
      { type: 'tool.output', callId: '', output: 'x' },
      'tool.output callId must be a non-empty string',
    ],
    [
      'non-string output',
      { type: 'tool.output', callId: 'c', output: { ok: true } as never },
      'tool.output output must be a string (e.g. JSON text)',
    ],
    [
      'non-string instructions',
      { type: 'response.create', instructions: 5 as never },
      'response.create instructions must be a string',
    ],
    [
      'unknown control',
      { type: 'input_audio_buffer.commit' } as never,
      'the openai dialect has no wire form for input_audio_buffer.commit',
    ],
  ])('%s is a problem, and sends nothing', (_name, control, problem) => {
    const s = session();
    expect(s.encodeControl(control)).toEqual({ problem });
    // a refused request must not have marked a response active
    expect(s.encodeText('x')).toHaveLength(2);
  });
});
