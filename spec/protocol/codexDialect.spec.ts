import { IGNORED_TYPE, UNKNOWN_TYPE, codexDialect, dialects } from '../../src/protocol';

describe('codexDialect', () => {
  it('is registered under its name', () => {
    expect(codexDialect.name).toBe('codex');
    expect(dialects.codex).toBe(codexDialect);
  });

  it('builds the URL from the params', () => {
    expect(codexDialect.url({ url: 'https://example.com' })).toBe('wss://example.com/ws');
  });

  it('sends a bearer header only with an API key', () => {
    expect(codexDialect.headers({ url: 'http://h', apiKey: 'sk-1' })).toEqual({ Authorization: 'Bearer sk-1' });
    expect(codexDialect.headers({ url: 'http://h' })).toEqual({});
    expect(codexDialect.headers({ url: 'http://h', apiKey: '' })).toEqual({});
  });

  it('uses no subprotocols', () => {
    expect(codexDialect.protocols({ url: 'http://h' })).toBeUndefined();
  });

  it('wires the codecs', () => {
    expect(codexDialect.sessionMessage({ url: 'http://h', prompt: 'p' })).toBe(
      '{"type":"session.create","session":{"backend_prompt":"p"}}',
    );
    expect(codexDialect.encodeAudio({ data: 'AAAA', sampleRate: 24000, numChannels: 1 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":1}',
    );
    expect(codexDialect.encodeText('x')).toBe(
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"x"}]}}',
    );
    expect(codexDialect.decode('{"type":"error","message":"m"}')).toEqual({ type: 'error', message: 'm' });
    expect(codexDialect.decode('{"type":"nope"}')).toBe(UNKNOWN_TYPE);
    expect(UNKNOWN_TYPE).not.toBe(IGNORED_TYPE);
  });
});
