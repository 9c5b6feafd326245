// What `talk` prints for the events worth reading in full, and where.
import { LiveDisplay, narration } from '../../src/cli/display';

describe('narration', () => {
  it('a finished transcript, either role, on the output stream', () => {
    expect(narration({ type: 'transcript.done', role: 'user', text: 'hello' })).toEqual({
      text: '[talk] user: hello',
      problem: false,
    });
    expect(narration({ type: 'transcript.done', role: 'assistant', text: 'hi!' })?.text).toBe(
      '[talk] assistant: hi!',
    );
    expect(narration({ type: 'transcript.delta', role: 'assistant', delta: 'h' })).toBeUndefined();
  });

  it('invalid frames, server errors and failed transcriptions as problems, each on one line', () => {
    expect(
      narration({ type: 'invalid', messageType: 'response.done', detail: 'response: expected\nobject' }),
    ).toEqual({
      text: '[talk] invalid response.done: response: expected object',
      problem: true,
    });
    expect(narration({ type: 'invalid', detail: 'malformed JSON' })?.text).toBe(
      '[talk] invalid frame: malformed JSON',
    );
    expect(narration({ type: 'error', code: 'invalid_value', message: 'bad  voice' })).toEqual({
      text: '[talk] server error invalid_value: bad voice',
      problem: true,
    });
    expect(narration({ type: 'error', message: 'boom' })?.text).toBe('[talk] server error: boom');
    expect(narration({ type: 'texts.unconfirmed', texts: ['hello', 'two\nlines'] })).toEqual({
      text: '[talk] not confirmed by the server: "hello", "two lines"',
      problem: true,
    });
    expect(narration({ type: 'transcript.failed', message: 'model_not_found' })).toEqual({
      text: '[talk] user transcription failed: model_not_found',
      problem: true,
    });
  });

  it('codex: a message item is its own transcript; openai: an added item is not (its transcript comes later)', () => {
    const item = { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'You said: "hi"' }] };
    expect(narration({ type: 'conversation.item.added', item }, 'codex')?.text).toBe(
      '[talk] assistant: You said: "hi"',
    );
    expect(narration({ type: 'conversation.item.added', item }, 'openai')).toBeUndefined();
    const call = { type: 'function_call', name: 'f', arguments: '{}' };
    expect(narration({ type: 'conversation.item.added', item: call }, 'codex')).toBeUndefined();
    const empty = { type: 'message', role: 'assistant', content: [] };
    expect(narration({ type: 'conversation.item.added', item: empty }, 'codex')).toBeUndefined();
  });
});

describe('LiveDisplay outside a terminal', () => {
  it('logs on the output stream and warns on the error stream', () => {
    const out: string[] = [];
    const err: string[] = [];
    const display = new LiveDisplay({ write: (text) => out.push(text) }, 10, {
      write: (text) => err.push(text),
    });
    display.log('[talk] assistant: hi');
    display.warn('[talk] server error: boom');
    expect(out).toEqual(['[talk] assistant: hi\n']);
    expect(err).toEqual(['[talk] server error: boom\n']);
  });
});
