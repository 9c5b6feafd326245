import * as protocol from '../../src/protocol';
import { IGNORED_TYPE, UNKNOWN_TYPE, dialects, openaiDialect } from '../../src/protocol';
import { audioText } from './audioText';

describe('openaiDialect', () => {
  it('is registered under its name next to codex', () => {
    expect(openaiDialect.name).toBe('openai');
    expect(dialects.openai).toBe(openaiDialect);
    expect(dialects.codex.name).toBe('codex');
    expect(Object.keys(dialects).sort()).toEqual(['codex', 'openai']);
  });

  it('exports its option constants and the audio check from the protocol entry point', () => {
    expect(protocol.OPENAI_VOICES).toEqual([
      'alloy',
      'ash',
      'ballad',
      'coral',
      'echo',
      'sage',
      'shimmer',
      'verse',
      'marin',
      'cedar',
    ]);
    expect(protocol.DEFAULT_OPENAI_MODEL).toBe('gpt-realtime');
    expect([...protocol.OPENAI_RECOVERABLE_ERROR_CODES].sort()).toEqual([
      'conversation_already_has_active_response',
      'response_cancel_not_active',
    ]);
    expect(
      protocol.openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 24000, numChannels: 1 }),
    ).toBeUndefined();
  });

  it('wires prepare, the session message, the codecs and the decoder together', () => {
    const plan = openaiDialect.prepare({ url: 'https://api.openai.com/v1', apiKey: 'sk-1', prompt: 'p' });
    expect(plan.url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(plan.headers).toEqual({ Authorization: 'Bearer sk-1' });
    expect(plan.protocols).toBeUndefined();
    const s = plan.newSession();
    expect(JSON.parse(s.sessionMessage())).toMatchObject({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'p' },
    });
    expect(audioText(s, { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1 })).toBe(
      '{"type":"input_audio_buffer.append","audio":"AAAAAA=="}',
    );
    expect(
      s.decode('{"type":"session.created","event_id":"e","session":{"type":"realtime","id":"sess_1"}}'),
    ).toEqual({
      type: 'session.created',
      sessionId: 'sess_1',
    });
    expect(
      s.decode(
        '{"type":"response.content_part.done","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"part":{}}',
      ),
    ).toBe(IGNORED_TYPE);
    expect(s.decode('{"type":"something.new"}')).toBe(UNKNOWN_TYPE);
  });
});
