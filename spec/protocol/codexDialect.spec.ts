import { IGNORED_TYPE, UNKNOWN_TYPE, codexDialect, dialects } from '../../src/protocol';
import { audioText } from './audioText';

const plan = (params: Partial<Parameters<typeof codexDialect.prepare>[0]> = {}) =>
  codexDialect.prepare({ url: 'http://h', ...params });

describe('codexDialect', () => {
  it('is registered under its name', () => {
    expect(codexDialect.name).toBe('codex');
    expect(dialects.codex).toBe(codexDialect);
  });

  it('builds the URL from the params', () => {
    expect(plan({ url: 'https://example.com' }).url).toBe('wss://example.com/ws');
  });

  it('refuses a bad URL when preparing, before any socket', () => {
    expect(() => plan({ url: 'ftp://example.com' })).toThrow(expect.objectContaining({ kind: 'config' }));
  });

  it('sends a bearer header only with an API key', () => {
    expect(plan({ apiKey: 'sk-1' }).headers).toEqual({ Authorization: 'Bearer sk-1' });
    expect(plan().headers).toEqual({});
    expect(plan({ apiKey: '' }).headers).toEqual({});
  });

  it('uses no subprotocols and takes audio at any rate', () => {
    expect(plan().protocols).toBeUndefined();
    expect(plan().audioProblem).toBeUndefined();
  });

  it('wires the codecs into each session', () => {
    const session = plan({ prompt: 'p' }).newSession();
    expect(session.sessionMessage()).toBe('{"type":"session.create","session":{"backend_prompt":"p"}}');
    expect(audioText(session, { data: 'AAAA', sampleRate: 24000, numChannels: 1 })).toBe(
      '{"type":"response.input_audio.delta","delta":"AAAA","sample_rate":24000,"num_channels":1}',
    );
    expect(session.encodeText('x')).toEqual([
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"x"}]}}',
    ]);
    expect(session.decode('{"type":"error","message":"m"}')).toEqual({ type: 'error', message: 'm' });
    expect(session.decode('{"type":"nope"}')).toBe(UNKNOWN_TYPE);
    expect(UNKNOWN_TYPE).not.toBe(IGNORED_TYPE);
    expect(session.takePending()).toBeUndefined();
  });

  it('has no wire form for controls: each is a problem, not a frame', () => {
    const session = plan().newSession();
    expect(session.encodeControl({ type: 'response.create' })).toEqual({
      problem: 'the codex dialect has no wire form for response.create',
    });
    expect(session.encodeControl({ type: 'item.delete', itemId: 'i' })).toEqual({
      problem: 'the codex dialect has no wire form for item.delete',
    });
  });
});
