import { audioFrameProblem, audioFrameProblemKnowing, bytesPerSample } from '../../src/protocol/frame';

const NOT_A_FRAME = 'not an audio frame: expected {data: string, sampleRate: number, numChannels: number}';

describe('audioFrameProblem', () => {
  it('accepts valid frames', () => {
    // 'AAAAAA==' is 4 bytes: 2 mono samples; 'AAAAAAAA' is 6 bytes: 1 sample on each of 3 channels
    expect(
      audioFrameProblem({ data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 2 }),
    ).toBeUndefined();
    expect(audioFrameProblem({ data: 'AAAAAAAA', sampleRate: 48000, numChannels: 3 })).toBeUndefined();
    expect(
      audioFrameProblem({ data: '', sampleRate: 1000, numChannels: 8, samplesPerChannel: 0 }),
    ).toBeUndefined();
  });

  it.each([
    ['a character outside base64', { data: 'AA!A', sampleRate: 24000, numChannels: 1 }, 'data is not base64'],
    [
      'a length that is not a multiple of 4',
      { data: 'AAA', sampleRate: 24000, numChannels: 1 },
      'data is not base64',
    ],
    [
      'an odd byte count',
      { data: 'AA==', sampleRate: 24000, numChannels: 1 },
      'data holds 1 bytes, not whole 16-bit samples for 1 channel(s)',
    ],
    [
      'stereo with 6 bytes',
      { data: 'AAAAAAAA', sampleRate: 24000, numChannels: 2 },
      'data holds 6 bytes, not whole 16-bit samples for 2 channel(s)',
    ],
    [
      'a samplesPerChannel mismatch',
      { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 3 },
      'samplesPerChannel is 3 but data holds 2',
    ],
    [
      'sampleRate 0',
      { data: 'AAAA', sampleRate: 0, numChannels: 1 },
      'sampleRate must be an integer from 1000 to 384000, got 0',
    ],
    [
      'sampleRate 44100.5',
      { data: 'AAAA', sampleRate: 44100.5, numChannels: 1 },
      'sampleRate must be an integer from 1000 to 384000, got 44100.5',
    ],
    [
      'numChannels 0',
      { data: 'AAAA', sampleRate: 24000, numChannels: 0 },
      'numChannels must be an integer from 1 to 8, got 0',
    ],
    [
      'numChannels 9',
      { data: 'AAAA', sampleRate: 24000, numChannels: 9 },
      'numChannels must be an integer from 1 to 8, got 9',
    ],
  ])('rejects %s', (_name, frame, problem) => {
    expect(audioFrameProblem(frame)).toBe(problem);
  });

  it.each([
    ['null', null],
    ['a string', 'AAAA'],
    ['an array', []],
    ['numeric data', { data: 1, sampleRate: 24000, numChannels: 1 }],
    ['a missing sampleRate', { data: 'AAAA', numChannels: 1 }],
    [
      'a string samplesPerChannel',
      { data: 'AAAA', sampleRate: 24000, numChannels: 1, samplesPerChannel: '1' },
    ],
  ])('rejects %s as not a frame', (_name, frame) => {
    expect(audioFrameProblem(frame)).toBe(NOT_A_FRAME);
  });
});

describe('audioFrameProblem with an encoding', () => {
  const ENCODINGS = "encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got";

  it('counts 2 bytes per sample for pcm16 (given or absent) and 1 for G.711', () => {
    // 'AAAA' is 3 bytes: 3 G.711 samples, but no whole number of 16-bit ones.
    for (const encoding of ['g711_ulaw', 'g711_alaw'] as const) {
      expect(
        audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, samplesPerChannel: 3, encoding }),
      ).toBeUndefined();
      expect(audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 3, encoding })).toBeUndefined();
      expect(audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 2, encoding })).toBe(
        'data holds 3 bytes, not whole G.711 samples (1 byte each) for 2 channel(s)',
      );
      expect(
        audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, samplesPerChannel: 1, encoding }),
      ).toBe('samplesPerChannel is 1 but data holds 3');
      // 'AAAAAA==' is 4 bytes: 4 G.711 samples (2 for pcm16)
      expect(
        audioFrameProblem({
          data: 'AAAAAA==',
          sampleRate: 8000,
          numChannels: 1,
          samplesPerChannel: 2,
          encoding,
        }),
      ).toBe('samplesPerChannel is 2 but data holds 4');
    }
    expect(audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'pcm16' })).toBe(
      'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)',
    );
    expect(
      audioFrameProblem({
        data: 'AAAAAA==',
        sampleRate: 8000,
        numChannels: 1,
        samplesPerChannel: 2,
        encoding: 'pcm16',
      }),
    ).toBeUndefined();
    expect(
      audioFrameProblem({
        data: 'AAAAAA==',
        sampleRate: 8000,
        numChannels: 1,
        samplesPerChannel: 4,
        encoding: 'pcm16',
      }),
    ).toBe('samplesPerChannel is 4 but data holds 2');
  });

  it.each([
    ['an unknown name', 'mp3', `${ENCODINGS} "mp3"`],
    ['a differently written name', 'G711_ULAW', `${ENCODINGS} "G711_ULAW"`],
    ['a number', 16, `${ENCODINGS} 16`],
    ['null', null, `${ENCODINGS} null`],
    ['an object', { name: 'pcm16' }, `${ENCODINGS} {"name":"pcm16"}`],
    ['a long text, cut', 'x'.repeat(100), `${ENCODINGS} "${'x'.repeat(39)}…`],
  ])('rejects %s as encoding, naming the allowed values', (_name, encoding, problem) => {
    expect(audioFrameProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding })).toBe(problem);
  });

  it('takes an undefined encoding as absent, and a bad shape before a bad encoding', () => {
    expect(
      audioFrameProblem({ data: 'AAAAAA==', sampleRate: 8000, numChannels: 1, encoding: undefined }),
    ).toBeUndefined();
    expect(audioFrameProblem({ data: 1, sampleRate: 8000, numChannels: 1, encoding: 'mp3' })).toBe(
      NOT_A_FRAME,
    );
    expect(audioFrameProblem({ data: 'AAAA', numChannels: 1, encoding: 'mp3' })).toBe(NOT_A_FRAME);
  });

  it('checks the encoding also for data known to be base64', () => {
    expect(
      audioFrameProblemKnowing({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'opus' }, 'AAAA'),
    ).toBe(`${ENCODINGS} "opus"`);
    expect(
      audioFrameProblemKnowing(
        { data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'g711_alaw' },
        'AAAA',
      ),
    ).toBeUndefined();
  });
});

describe('bytesPerSample', () => {
  it('is 1 for G.711 and 2 for pcm16, given or absent', () => {
    expect(bytesPerSample('g711_ulaw')).toBe(1);
    expect(bytesPerSample('g711_alaw')).toBe(1);
    expect(bytesPerSample('pcm16')).toBe(2);
    expect(bytesPerSample(undefined)).toBe(2);
  });
});

describe('audioFrameProblemKnowing', () => {
  it('skips the base64 scan only for data equal to the known text; every other check still runs', () => {
    const known = 'AAAA!!!!'; // not base64: shows the scan was skipped
    expect(
      audioFrameProblemKnowing({ data: known, sampleRate: 24_000, numChannels: 1 }, known),
    ).toBeUndefined();
    // Equal text in another string object counts too (string equality, not identity).
    const copy = ['AAAA', '!!!!'].join('');
    expect(
      audioFrameProblemKnowing({ data: copy, sampleRate: 24_000, numChannels: 1 }, known),
    ).toBeUndefined();
    expect(audioFrameProblemKnowing({ data: 'AAAA!!!?', sampleRate: 24_000, numChannels: 1 }, known)).toBe(
      'data is not base64',
    );
    expect(audioFrameProblemKnowing({ data: 'AAAA', sampleRate: 24_000, numChannels: 1 }, 'AAAA')).toBe(
      'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)',
    );
    expect(audioFrameProblemKnowing({ data: 'AAAA', sampleRate: 7, numChannels: 1 }, 'AAAA')).toMatch(
      /sampleRate/,
    );
    expect(
      audioFrameProblemKnowing({ data: 'AAAA!!!!', sampleRate: 24_000, numChannels: 1 }, undefined),
    ).toBe('data is not base64');
  });
});
