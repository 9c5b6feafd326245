import fc from 'fast-check';
import { openaiDialect } from '../../src/protocol/openai';
import type { DialectSession, SessionParams } from '../../src/protocol/dialect';

const CREATE = '{"type":"response.create"}';
const createWith = (instructions: string) =>
  JSON.stringify({ type: 'response.create', response: { instructions } });
const ITEM = (text: string) =>
  `{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":${JSON.stringify(text)}}]}}`;

const session = (params: Partial<SessionParams> = {}): DialectSession =>
  openaiDialect.prepare({ url: 'https://api.openai.com', ...params }).newSession();

const server = {
  created: (id = 'resp_1') =>
    JSON.stringify({ type: 'response.created', event_id: 'e', response: { id, status: 'in_progress' } }),
  done: (id = 'resp_1', status = 'completed') =>
    JSON.stringify({ type: 'response.done', event_id: 'e', response: { id, status } }),
  cancelled: () => JSON.stringify({ type: 'response.cancelled', response_id: 'resp_1' }),
  error: (code: string, message = 'm') =>
    JSON.stringify({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code, message } }),
};

/** The frames a control produces (fails the test on a problem). */
function framesOf(s: DialectSession, control: Parameters<DialectSession['encodeControl']>[0]): string[] {
  const encoded = s.encodeControl(control);
  if (!('frames' in encoded)) throw new Error(`unexpected problem: ${encoded.problem}`);
  return encoded.frames;
}

describe('openai response gating', () => {
  it('sends a request at once while idle', () => {
    const s = session();
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]);
    expect(s.takePending()).toBeUndefined();
  });

  it('holds a request while a response is active, and releases it on response.done, exactly once', () => {
    const s = session();
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]);
    expect(s.encodeText('b')).toEqual([ITEM('b')]);
    expect(s.takePending()).toBeUndefined();
    expect(s.decode(server.created())).toEqual({ type: 'response.created', responseId: 'resp_1' });
    expect(s.takePending()).toBeUndefined();
    expect(s.decode(server.done())).toEqual({
      type: 'response.done',
      responseId: 'resp_1',
      status: 'completed',
    });
    expect(s.takePending()).toEqual([CREATE]);
    expect(s.takePending()).toBeUndefined();
  });

  it('coalesces several held requests into one', () => {
    const s = session();
    s.encodeText('a');
    expect(s.encodeText('b')).toEqual([ITEM('b')]);
    expect(s.encodeText('c')).toEqual([ITEM('c')]);
    expect(framesOf(s, { type: 'response.create' })).toEqual([]);
    expect(framesOf(s, { type: 'tool.output', callId: 'k', output: 'o' })).toHaveLength(1);
    s.decode(server.done());
    expect(s.takePending()).toEqual([CREATE]);
    expect(s.takePending()).toBeUndefined();
  });

  it('is active again after a release: the next request is held until the released response is done', () => {
    const s = session();
    s.encodeText('a');
    s.encodeText('b');
    s.decode(server.done('resp_1'));
    expect(s.takePending()).toEqual([CREATE]);
    expect(s.encodeText('c')).toEqual([ITEM('c')]);
    s.decode(server.created('resp_2'));
    s.decode(server.done('resp_2'));
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('a response.done with nothing held releases nothing, and leaves the session idle', () => {
    const s = session();
    s.encodeText('a');
    s.decode(server.done());
    expect(s.takePending()).toBeUndefined();
    expect(s.encodeText('b')).toEqual([ITEM('b'), CREATE]);
  });

  it('keeps the latest instructions given; a request without any does not erase them', () => {
    const s = session();
    s.encodeText('a');
    framesOf(s, { type: 'response.create', instructions: 'first' });
    framesOf(s, { type: 'response.create', instructions: 'second' });
    s.encodeText('b');
    s.decode(server.done());
    expect(s.takePending()).toEqual([createWith('second')]);
  });

  it('marks a response active when the server starts one by itself (server VAD)', () => {
    const s = session();
    expect(s.decode(server.created('resp_vad'))).toEqual({
      type: 'response.created',
      responseId: 'resp_vad',
    });
    expect(s.encodeText('a')).toEqual([ITEM('a')]);
    expect(framesOf(s, { type: 'response.create' })).toEqual([]);
    s.decode(server.done('resp_vad', 'cancelled'));
    expect(s.takePending()).toEqual([CREATE]);
  });

  it.each([
    ['completed', 'response.done'],
    ['cancelled', 'response.cancelled'],
    ['failed', 'response.done'],
    ['incomplete', 'response.done'],
  ])('releases on response.done with status %s', (status, eventType) => {
    const s = session();
    s.encodeText('a');
    s.encodeText('b');
    expect(s.decode(server.done('resp_1', status))).toEqual({
      type: eventType,
      responseId: 'resp_1',
      status,
    });
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('releases on the beta response.cancelled', () => {
    const s = session();
    s.encodeText('a');
    s.encodeText('b');
    s.decode(server.cancelled());
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('moves the state even when the response message is malformed', () => {
    const s = session();
    s.encodeText('a');
    s.encodeText('b');
    expect(s.decode('{"type":"response.done","response":{"id":5}}')).toMatchObject({
      type: 'invalid',
      messageType: 'response.done',
    });
    expect(s.takePending()).toEqual([CREATE]);
    const t = session();
    expect(t.decode('{"type":"response.created"}')).toMatchObject({ type: 'invalid' });
    expect(t.encodeText('x')).toEqual([ITEM('x')]);
  });

  it('holds again a request refused with conversation_already_has_active_response, with its instructions', () => {
    const s = session();
    expect(framesOf(s, { type: 'response.create', instructions: 'greet' })).toEqual([createWith('greet')]);
    // the server had started a response by itself; ours crossed it
    s.decode(server.created('resp_vad'));
    expect(
      s.decode(
        server.error(
          'conversation_already_has_active_response',
          'Conversation already has an active response',
        ),
      ),
    ).toEqual({
      type: 'invalid',
      messageType: 'error',
      detail:
        'server rejected a request (conversation_already_has_active_response): Conversation already has an active response',
    });
    expect(s.takePending()).toBeUndefined();
    s.decode(server.done('resp_vad'));
    expect(s.takePending()).toEqual([createWith('greet')]);
    expect(s.takePending()).toBeUndefined();
  });

  it('a refused request merges with one held meanwhile; the later instructions win', () => {
    const s = session();
    framesOf(s, { type: 'response.create', instructions: 'old' });
    framesOf(s, { type: 'response.create', instructions: 'new' }); // held
    s.decode(server.error('conversation_already_has_active_response'));
    s.decode(server.done('resp_vad'));
    expect(s.takePending()).toEqual([createWith('new')]);
    expect(s.takePending()).toBeUndefined();
  });

  it('a refused request without instructions merged with a held plain one stays plain', () => {
    const s = session();
    s.encodeText('a');
    s.encodeText('b');
    s.decode(server.error('conversation_already_has_active_response'));
    s.decode(server.done());
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('response_cancel_not_active and fatal errors leave the state alone', () => {
    const s = session();
    s.encodeText('a');
    expect(
      s.decode(server.error('response_cancel_not_active', 'Cancellation failed: no active response found')),
    ).toMatchObject({
      type: 'invalid',
      messageType: 'error',
    });
    expect(s.decode(server.error('server_error', 'boom'))).toEqual({
      type: 'error',
      message: 'boom',
      code: 'server_error',
    });
    expect(s.encodeText('b')).toEqual([ITEM('b')]);
    expect(s.takePending()).toBeUndefined();
  });

  it('sends response.cancel at once, whatever the state, and keeps a held request held', () => {
    const s = session();
    expect(framesOf(s, { type: 'response.cancel' })).toEqual(['{"type":"response.cancel"}']);
    s.encodeText('a');
    s.encodeText('b');
    expect(framesOf(s, { type: 'response.cancel' })).toEqual(['{"type":"response.cancel"}']);
    s.decode(server.done('resp_1', 'cancelled'));
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('tool.output with respond false requests nothing, and is not held', () => {
    const s = session();
    const output = framesOf(s, { type: 'tool.output', callId: 'c', output: 'o', respond: false });
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('"function_call_output"');
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]);
    s.decode(server.created());
    framesOf(s, { type: 'tool.output', callId: 'c', output: 'o', respond: false });
    s.decode(server.done());
    expect(s.takePending()).toBeUndefined();
  });

  it('respondToText false: texts request nothing, even while a response is active', () => {
    const s = session({ respondToText: false });
    expect(s.encodeText('a')).toEqual([ITEM('a')]);
    s.decode(server.created());
    expect(s.encodeText('b')).toEqual([ITEM('b')]);
    s.decode(server.done());
    expect(s.takePending()).toBeUndefined();
  });

  it('item.truncate and item.delete do not touch the gating', () => {
    const s = session();
    framesOf(s, { type: 'item.truncate', itemId: 'i', audioEndMs: 5 });
    framesOf(s, { type: 'item.delete', itemId: 'i' });
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]);
  });

  it('never has two requests in flight, and answers every held request after the next response.done (property)', () => {
    type Step = 'text' | 'create' | 'tool' | 'created' | 'done';
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<Step>('text', 'create', 'tool', 'created', 'done'), { maxLength: 60 }),
        (steps) => {
          const s = session();
          let inFlight = false; // a response requested or running, not yet done
          let owed = false; // a request was held and not yet sent
          for (const step of steps) {
            let frames: string[] | undefined;
            if (step === 'text') frames = s.encodeText('t');
            else if (step === 'create') frames = framesOf(s, { type: 'response.create' });
            else if (step === 'tool') frames = framesOf(s, { type: 'tool.output', callId: 'c', output: 'o' });
            else {
              s.decode(step === 'created' ? server.created() : server.done());
              if (step === 'created') inFlight = true;
              else inFlight = false;
              frames = s.takePending(); // the conversation's contract: take after every decode
            }
            const sent = (frames ?? []).filter((frame) =>
              frame.startsWith('{"type":"response.create"'),
            ).length;
            expect(sent).toBeLessThanOrEqual(1);
            if (sent === 1) {
              expect(inFlight).toBe(false);
              inFlight = true;
              owed = false;
            } else if (step === 'text' || step === 'create' || step === 'tool') {
              expect(inFlight).toBe(true); // held only while one is in flight
              owed = true;
            } else if (step === 'done') {
              expect(owed).toBe(false); // a held request was released by this done
            }
          }
        },
      ),
    );
  });

  it('sends the GA parameters of a response.create; instructions given beside them win', () => {
    const s = session();
    const response = { output_modalities: ['text' as const], max_output_tokens: 200, instructions: 'old' };
    expect(framesOf(s, { type: 'response.create', instructions: 'new', response })).toEqual([
      JSON.stringify({ type: 'response.create', response: { ...response, instructions: 'new' } }),
    ]);
    // Held with its parameters while that response runs, released whole.
    framesOf(s, { type: 'response.create', response: { metadata: { turn: '2' } } });
    s.decode(server.done());
    expect(s.takePending()).toEqual([
      JSON.stringify({ type: 'response.create', response: { metadata: { turn: '2' } } }),
    ]);
  });

  it('sends an out-of-band request at once, never holds it, and its response moves nothing', () => {
    const s = session();
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]); // a conversation response is active
    const oob = { conversation: 'none' as const, metadata: { purpose: 'classify' } };
    expect(framesOf(s, { type: 'response.create', response: oob })).toEqual([
      JSON.stringify({ type: 'response.create', response: oob }),
    ]);
    expect(s.encodeText('b')).toEqual([ITEM('b')]); // held behind the conversation's response
    const oobCreated = JSON.stringify({
      type: 'response.created',
      event_id: 'e',
      response: { id: 'resp_oob', conversation_id: null, status: 'in_progress', metadata: oob.metadata },
    });
    expect(s.decode(oobCreated)).toEqual({
      type: 'response.created',
      responseId: 'resp_oob',
      metadata: oob.metadata,
    });
    s.decode(server.done('resp_oob'));
    expect(s.takePending()).toBeUndefined(); // the out-of-band response's end releases nothing
    s.decode(server.done('resp_1'));
    expect(s.takePending()).toEqual([CREATE]);
  });

  it('refuses bad response parameters naming the field, and holds nothing', () => {
    const s = session();
    const problem = (response: unknown) =>
      s.encodeControl({ type: 'response.create', response: response as never });
    expect(problem({ output_modalities: 'text' })).toEqual({
      problem: expect.stringMatching(/^response\.create response: output_modalities: /) as unknown,
    });
    expect(problem({ max_output_tokens: 5000 })).toEqual({
      problem:
        'response.create response: max_output_tokens must be an integer from 1 to 4096 or "inf", got 5000',
    });
    expect(
      problem({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }),
    ).toEqual({
      problem: 'response.create response: metadata holds 17 pairs; at most 16',
    });
    expect(s.encodeText('a')).toEqual([ITEM('a'), CREATE]); // nothing was marked active
  });
});
