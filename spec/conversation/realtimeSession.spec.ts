// The seed's test scenarios (Codex's realtime_conversation suite), ported to the session operator
// against a real scripted server on 127.0.0.1.
import { Subject } from 'rxjs';
import { realtimeSession, type RealtimeOp, type SessionEvent } from '../../src/index';
import { startScriptedServer, type ScriptedServer } from '../../src/testing';
import { pcmFrame, record, refusedPort, waitFor } from '../helpers';

const AUDIO = pcmFrame(2); // 4 bytes: "AAAAAA=="

let server: ScriptedServer | undefined;
let ops: Subject<RealtimeOp>;

afterEach(async () => {
  ops?.complete();
  await server?.close();
  server = undefined;
});

function session(url: string, defaults: Partial<Parameters<typeof realtimeSession>[0]> = {}) {
  ops = new Subject<RealtimeOp>();
  return record(ops.pipe(realtimeSession({ url, dialect: 'codex', ...defaults })));
}

const realtime = (type: string) => (e: SessionEvent) => e.type === 'realtime' && e.payload.type === type;

describe('realtimeSession (the seed scenarios)', () => {
  it('round trip: session.create first, audio then text, decoded replies, exact client frames', async () => {
    server = await startScriptedServer([
      [
        [{ type: 'session.created', session: { id: 'sess_1' } }],
        [],
        [
          { type: 'response.output_audio.delta', delta: 'AQIDBA==', sample_rate: 24000, num_channels: 1 },
          {
            type: 'conversation.item.added',
            item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
          },
        ],
      ],
    ]);
    const { values, done } = session(server.url);
    ops.next({ type: 'start', prompt: 'backend prompt', sessionId: 'conv_1' });
    await waitFor(values, (e) => e.type === 'started');
    await waitFor(values, realtime('session.created'));
    ops.next({ type: 'audio', frame: AUDIO });
    ops.next({ type: 'text', text: 'hello' });
    await waitFor(values, realtime('conversation.item.added'));

    expect(values.slice(0, 4)).toEqual([
      { type: 'started', sessionId: 'conv_1' },
      { type: 'realtime', payload: { type: 'session.created', sessionId: 'sess_1' } },
      {
        type: 'realtime',
        payload: { type: 'audio.out', frame: { data: 'AQIDBA==', sampleRate: 24000, numChannels: 1 } },
      },
      {
        type: 'realtime',
        payload: {
          type: 'conversation.item.added',
          item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
        },
      },
    ]);
    expect(server.connections()).toHaveLength(1);
    expect(server.connections()[0].map((m) => JSON.stringify(m))).toEqual([
      '{"type":"session.create","session":{"backend_prompt":"backend prompt","conversation_id":"conv_1"}}',
      '{"type":"response.input_audio.delta","delta":"AAAAAA==","sample_rate":24000,"num_channels":1,"samples_per_channel":2}',
      '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":"hello"}]}}',
    ]);
    expect(server.handshakes()[0].path).toBe('/ws');

    // The server closes after its script: the transport close is the session's last word.
    await waitFor(values, (e) => e.type === 'closed');
    expect(values.at(-1)).toEqual({ type: 'closed', reason: 'transport_closed', code: 1000 });
    ops.complete();
    await done;
  });

  it('transport close: a server that closes after its script ends the session with transport_closed and the code', async () => {
    server = await startScriptedServer([
      {
        batches: [[{ type: 'session.created', session: { id: 'sess_1' } }]],
        closeCode: 4001,
        closeReason: 'bye',
      },
    ]);
    const { values } = session(server.url);
    ops.next({ type: 'start' });
    const closed = await waitFor(values, (e) => e.type === 'closed');
    expect(closed).toEqual({ type: 'closed', reason: 'transport_closed', code: 4001, detail: 'bye' });
    expect(values.map((e) => e.type)).toEqual(['started', 'realtime', 'closed']);
  });

  it('audio or text before start is a bad_request: conversation is not running', () => {
    const { values } = session('http://127.0.0.1:1');
    ops.next({ type: 'audio', frame: AUDIO });
    ops.next({ type: 'text', text: 'hello' });
    const notRunning = { type: 'error', kind: 'bad_request', message: 'conversation is not running' };
    expect(values).toEqual([notRunning, notRunning]);
  });

  it('a second start replaces the first: two handshakes, the first socket closed, events only from the second', async () => {
    server = await startScriptedServer([
      { batches: [[{ type: 'session.created', session: { id: 'sess_old' } }]], keepOpen: true },
      {
        batches: [
          [{ type: 'session.created', session: { id: 'sess_new' } }],
          [{ type: 'response.output_audio.delta', delta: 'AQIDBA==', sample_rate: 24000, num_channels: 1 }],
        ],
        keepOpen: true,
      },
    ]);
    const { values, done } = session(server.url);
    ops.next({ type: 'start', prompt: 'old', sessionId: 'conv_old' });
    await waitFor(
      values,
      (e) =>
        e.type === 'realtime' && e.payload.type === 'session.created' && e.payload.sessionId === 'sess_old',
    );
    const firstCount = values.length;
    ops.next({ type: 'start', prompt: 'new', sessionId: 'conv_new' });
    await waitFor(
      values,
      (e) =>
        e.type === 'realtime' && e.payload.type === 'session.created' && e.payload.sessionId === 'sess_new',
    );
    ops.next({ type: 'audio', frame: AUDIO });
    await waitFor(values, realtime('audio.out'));

    expect(await server.waitForHandshakes(2, 1000)).toBe(true);
    expect(await server.waitForClose(0, 2000)).toEqual({ code: 1000, reason: '' });
    expect(values.slice(firstCount)).toEqual([
      { type: 'started', sessionId: 'conv_new' },
      { type: 'realtime', payload: { type: 'session.created', sessionId: 'sess_new' } },
      {
        type: 'realtime',
        payload: { type: 'audio.out', frame: { data: 'AQIDBA==', sampleRate: 24000, numChannels: 1 } },
      },
    ]);
    const [first, second] = server.connections();
    expect(first).toEqual([
      { type: 'session.create', session: { backend_prompt: 'old', conversation_id: 'conv_old' } },
    ]);
    expect(second).toHaveLength(2);
    expect(second[0]).toEqual({
      type: 'session.create',
      session: { backend_prompt: 'new', conversation_id: 'conv_new' },
    });

    ops.complete();
    await done;
    expect(values.filter((e) => e.type === 'closed')).toEqual([
      { type: 'closed', reason: 'requested', code: 1000 },
    ]);
  });

  it('close emits closed{requested} even when nothing runs', async () => {
    const { done } = session('http://127.0.0.1:1');
    ops.next({ type: 'close' });
    ops.complete();
    expect(await done).toEqual([{ type: 'closed', reason: 'requested' }]);
  });

  it('close of a running conversation emits closed{requested} and the server sees close code 1000', async () => {
    server = await startScriptedServer([
      { batches: [[{ type: 'session.created', session: { id: 'sess_1' } }]], keepOpen: true },
    ]);
    const { values, done } = session(server.url);
    ops.next({ type: 'start' });
    await waitFor(values, realtime('session.created'));
    ops.next({ type: 'close' });
    expect(values.at(-1)).toEqual({ type: 'closed', reason: 'requested' });
    expect(await server.waitForClose(0, 2000)).toEqual({ code: 1000, reason: '' });
    ops.next({ type: 'text', text: 'too late' });
    expect(values.at(-1)).toEqual({
      type: 'error',
      kind: 'bad_request',
      message: 'conversation is not running',
    });
    ops.complete();
    await done;
  });

  it('a server error message: error event, then closed{reason:error}, then nothing more', async () => {
    server = await startScriptedServer([
      {
        batches: [
          [
            { type: 'error', error: { message: 'boom' } },
            { type: 'session.created', session: { id: 'late' } },
          ],
        ],
        keepOpen: true,
      },
    ]);
    const { values, done } = session(server.url);
    ops.next({ type: 'start' });
    await waitFor(values, (e) => e.type === 'closed');
    expect(values).toEqual([
      { type: 'started' },
      { type: 'realtime', payload: { type: 'error', message: 'boom' } },
      { type: 'closed', reason: 'error', detail: 'boom', code: 1000 },
    ]);
    ops.complete();
    await done;
  });

  it('a text given while the conversation is closing (after a server error) is a bad_request, not a crash', async () => {
    server = await startScriptedServer([{ batches: [[{ type: 'error', message: 'boom' }]], keepOpen: true }]);
    ops = new Subject<RealtimeOp>();
    const values: SessionEvent[] = [];
    const done = new Promise<void>((resolve) =>
      ops.pipe(realtimeSession({ url: server!.url, dialect: 'codex' })).subscribe({
        next: (event) => {
          values.push(event);
          if (event.type === 'realtime' && event.payload.type === 'error')
            ops.next({ type: 'text', text: 'during the close' });
        },
        complete: resolve,
      }),
    );
    ops.next({ type: 'start' });
    await waitFor(values, (e) => e.type === 'closed');
    ops.complete();
    await done;
    expect(values).toEqual([
      { type: 'started' },
      { type: 'realtime', payload: { type: 'error', message: 'boom' } },
      { type: 'error', kind: 'bad_request', message: 'conversation is not running' },
      { type: 'closed', reason: 'error', detail: 'boom', code: 1000 },
    ]);
    expect(server.connections()[0]).toHaveLength(1); // the text never reached the wire
  });

  it('a refused connection is a failed start: error{kind:other}, no started, no closed', async () => {
    const port = await refusedPort();
    const { values, done } = session(`http://127.0.0.1:${port}`);
    ops.next({ type: 'start' });
    await waitFor(values, (e) => e.type === 'error');
    ops.complete();
    await done;
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ type: 'error', kind: 'other' });
    expect((values[0] as { message: string }).message).toMatch(/ECONNREFUSED/);
  });

  it('a handshake answered with HTTP 401 is a failed start naming the status, without the key', async () => {
    server = await startScriptedServer([{ batches: [], reject: { status: 401, body: 'no' } }]);
    const { values, done } = session(server.url, { apiKey: 'sk-test-secret-123456' });
    ops.next({ type: 'start' });
    await waitFor(values, (e) => e.type === 'error');
    ops.complete();
    await done;
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ type: 'error', kind: 'other' });
    expect((values[0] as { message: string }).message).toMatch(/401/);
    expect(JSON.stringify(values)).not.toContain('sk-test-secret');
    expect(server.handshakes()[0].header('authorization')).toBe('Bearer sk-test-secret-123456');
  });

  it('promptOverride wins over the start prompt; start options override the defaults', async () => {
    server = await startScriptedServer([{ batches: [[]], keepOpen: true }]);
    const { values, done } = session(server.url, {
      promptOverride: 'configured prompt',
      sessionId: 'default_id',
    });
    ops.next({ type: 'start', prompt: 'request prompt', sessionId: 'conv_x' });
    await waitFor(values, (e) => e.type === 'started');
    expect(await server.waitForMessages(0, 1, 2000)).toBe(true);
    expect(server.connections()[0][0]).toEqual({
      type: 'session.create',
      session: { backend_prompt: 'configured prompt', conversation_id: 'conv_x' },
    });
    ops.complete();
    await done;
  });

  it('a blank promptOverride does not win', async () => {
    server = await startScriptedServer([{ batches: [[]], keepOpen: true }]);
    const { values, done } = session(server.url, { promptOverride: '   ' });
    ops.next({ type: 'start', prompt: 'request prompt' });
    await waitFor(values, (e) => e.type === 'started');
    expect(await server.waitForMessages(0, 1, 2000)).toBe(true);
    expect(server.connections()[0][0]).toEqual({
      type: 'session.create',
      session: { backend_prompt: 'request prompt' },
    });
    ops.complete();
    await done;
  });
});
