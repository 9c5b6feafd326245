// The conversation's final event as a plain function of the last socket's end and what the conversation knew.
import { closedEvent, describeClose, type ClosedContext } from '../../src/conversation/closedEvent';
import type { RealtimeClosed } from '../../src/protocol/events';
import type { TransportClose } from '../../src/transport/webSocketSubject';

const KEY = 'sk-proj-Q7wX2mN9vB4kL8pR';
const context: ClosedContext = { cause: undefined, attempts: 0, maxMessageBytes: 1024, secrets: [KEY] };
const opened = (code: number, reason = '', error?: string): TransportClose => ({
  type: 'close',
  code,
  reason,
  opened: true,
  ...(error === undefined ? {} : { error }),
});
const unopened = (fields: Partial<TransportClose> = {}): TransportClose => ({
  type: 'close',
  code: 1006,
  reason: '',
  opened: false,
  ...fields,
});

describe('closedEvent', () => {
  it.each<[string, TransportClose, Partial<ClosedContext>, RealtimeClosed]>([
    [
      'close() on an open socket: requested, with the code',
      opened(1000),
      { cause: { reason: 'requested' } },
      { type: 'closed', reason: 'requested', code: 1000 },
    ],
    [
      'close() before the handshake or between sockets: requested, no code',
      unopened({ error: 'WebSocket was closed before the connection was established' }),
      { cause: { reason: 'requested' } },
      { type: 'closed', reason: 'requested' },
    ],
    [
      'a server error: its message, whatever the socket said',
      opened(1006, '', 'read ECONNRESET'),
      { cause: { reason: 'error', detail: 'bad session' } },
      { type: 'closed', reason: 'error', code: 1006, detail: 'bad session' },
    ],
    [
      'the cause wins over given-up reconnects and an oversized frame',
      opened(1009),
      { cause: { reason: 'requested' }, attempts: 2 },
      { type: 'closed', reason: 'requested', code: 1009 },
    ],
    [
      'an inbound frame too big: an error naming the limit',
      opened(1009, '', 'an inbound frame of 2000 characters exceeds the limit'),
      {},
      {
        type: 'closed',
        reason: 'error',
        code: 1009,
        detail: 'an inbound frame exceeded maxMessageBytes (1024 bytes)',
      },
    ],
    [
      'given up while reconnecting: the attempts and the last failure',
      unopened({ error: 'connect ECONNREFUSED 127.0.0.1:9' }),
      { attempts: 3 },
      {
        type: 'closed',
        reason: 'transport_closed',
        detail: 'gave up after 3 reconnect attempts: connect ECONNREFUSED 127.0.0.1:9',
      },
    ],
    [
      'given up on a socket that opened and was closed for good',
      opened(4000, 'beta_api_shape_disabled'),
      { attempts: 1 },
      {
        type: 'closed',
        reason: 'transport_closed',
        code: 4000,
        detail: 'gave up after 1 reconnect attempts: closed with 4000: beta_api_shape_disabled',
      },
    ],
    [
      'a handshake that failed: an error with what failed',
      unopened({ error: 'connect ECONNREFUSED 127.0.0.1:9' }),
      {},
      { type: 'closed', reason: 'error', detail: 'connect ECONNREFUSED 127.0.0.1:9' },
    ],
    [
      'a handshake that failed without a word: its code',
      unopened({ code: 1002 }),
      {},
      {
        type: 'closed',
        reason: 'error',
        detail: 'connection closed before the handshake completed (code 1002)',
      },
    ],
    [
      'a handshake that timed out: a lost transport, no code',
      unopened({ error: 'the handshake did not complete within 10000 ms', timedOut: true }),
      {},
      {
        type: 'closed',
        reason: 'transport_closed',
        detail: 'the handshake did not complete within 10000 ms',
      },
    ],
    [
      'closed by the server with a reason',
      opened(4000, 'beta_api_shape_disabled'),
      {},
      { type: 'closed', reason: 'transport_closed', code: 4000, detail: 'beta_api_shape_disabled' },
    ],
    [
      'closed by the server without a reason: no detail',
      opened(1000),
      {},
      { type: 'closed', reason: 'transport_closed', code: 1000 },
    ],
    [
      'a connection lost without a reason: what failed',
      opened(1006, '', 'read ECONNRESET'),
      {},
      { type: 'closed', reason: 'transport_closed', code: 1006, detail: 'read ECONNRESET' },
    ],
    [
      'a close reason says more than a failure',
      opened(1011, 'server overloaded', 'read ECONNRESET'),
      {},
      { type: 'closed', reason: 'transport_closed', code: 1011, detail: 'server overloaded' },
    ],
    [
      'dropped by our keepalive',
      opened(1006, '', 'no answer from the server for 30000 ms (keepalive)'),
      {},
      {
        type: 'closed',
        reason: 'transport_closed',
        code: 1006,
        detail: 'no answer from the server for 30000 ms (keepalive)',
      },
    ],
  ])('%s', (_, close, known, expected) => {
    const event = closedEvent(close, { ...context, ...known });
    expect(event).toEqual(expected);
    // No key left undefined: the event prints and compares as it reads.
    expect(Object.values(event)).not.toContain(undefined);
  });

  it.each<[string, TransportClose, Partial<ClosedContext>]>([
    ['a close reason', opened(4001, `invalid key ${KEY}`), {}],
    ['a refused handshake', unopened({ status: 401, error: `Unexpected server response: 401: ${KEY}` }), {}],
    ['a timed-out handshake', unopened({ error: `no answer from ${KEY}`, timedOut: true }), {}],
    ['a failure after reconnects', unopened({ error: `refused ${KEY}` }), { attempts: 2 }],
  ])('never quotes a secret: %s', (_, close, known) => {
    const event = closedEvent(close, { ...context, ...known });
    expect(event.detail).toContain('***');
    expect(JSON.stringify(event)).not.toContain(KEY.slice(0, 8));
  });
});

describe('describeClose', () => {
  it.each<[TransportClose, string]>([
    [opened(1006), 'closed with 1006'],
    [opened(4000, 'beta_api_shape_disabled'), 'closed with 4000: beta_api_shape_disabled'],
    [opened(1006, 'ignored when an error says more', 'read ECONNRESET'), 'closed with 1006: read ECONNRESET'],
    [unopened({ error: 'connect ECONNREFUSED 127.0.0.1:9' }), 'connect ECONNREFUSED 127.0.0.1:9'],
    [unopened({ code: 1002 }), 'could not connect (code 1002)'],
  ])('%j: %s', (close, expected) => {
    expect(describeClose(close)).toBe(expected);
  });
});
