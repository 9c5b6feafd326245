// The reconnect policy as plain functions: which ends are retried, how many times, and after how long.
import { Subscription } from 'rxjs';
import type { Phase } from '../../src/conversation/phase';
import {
  attemptsMade,
  backoffDelayMs,
  isRetryable,
  nextAttempt,
  STABLE_AFTER_MS,
  type ReconnectOptions,
} from '../../src/conversation/retryPolicy';
import type { TransportClose } from '../../src/transport/webSocketSubject';
import type { WebSocketSubject } from '../../src/transport/webSocketSubject';

const closed = (code: number, reason = ''): TransportClose => ({ type: 'close', code, reason, opened: true });
const refused = (status?: number): TransportClose => ({
  type: 'close',
  code: 1006,
  reason: '',
  opened: false,
  ...(status === undefined ? { error: 'connect ECONNREFUSED 127.0.0.1:9' } : { status }),
});

describe('isRetryable', () => {
  it.each<[string, TransportClose, boolean]>([
    ['a lost connection (1006)', closed(1006), true],
    ['going away (1001)', closed(1001), true],
    ['a server error (1011)', closed(1011), true],
    ['try again later (1013)', closed(1013), true],
    ['a normal close (1000)', closed(1000), false],
    ['a policy violation (1008)', closed(1008), false],
    ['a frame too big (1009)', closed(1009), false],
    ['the first application code (4000)', closed(4000, 'beta_api_shape_disabled'), false],
    ['the last application code (4999)', closed(4999), false],
    ['just past the application codes (5000)', closed(5000), true],
    ['a refused connection, no status (a browser, or no server)', refused(), true],
    ['a handshake answered 400', refused(400), false],
    ['a handshake answered 401', refused(401), false],
    ['a handshake answered 403', refused(403), false],
    ['a handshake answered 404', refused(404), false],
    ['a handshake answered 429', refused(429), true],
    ['a handshake answered 500', refused(500), true],
    ['a handshake answered 503', refused(503), true],
    [
      'a handshake that timed out',
      { type: 'close', code: 1006, reason: '', opened: false, timedOut: true },
      true,
    ],
  ])('%s: %s', (_, close, expected) => {
    expect(isRetryable(close)).toBe(expected);
  });

  it('goes by the status, not by the words of the error', () => {
    const close: TransportClose = { ...refused(503), error: 'Unexpected server response: 401' };
    expect(isRetryable(close)).toBe(true);
    expect(isRetryable({ ...refused(401), error: 'Unexpected server response: 503' })).toBe(false);
  });
});

describe('attemptsMade', () => {
  const socket = {} as WebSocketSubject;
  const open = (attempt: number, openedAt: number): Phase => ({
    name: 'open',
    socket,
    session: {} as never,
    attempt,
    openedAt,
  });
  it('is 5 s: a socket must stay open that long to start the attempts again', () => {
    expect(STABLE_AFTER_MS).toBe(5000);
  });
  it.each<[string, Phase, number, number]>([
    // phase, now, attempts made
    [
      'a handshake that failed: the attempt that led to it',
      { name: 'connecting', socket, attempt: 2 },
      50,
      2,
    ],
    ['the first handshake failed: none', { name: 'connecting', socket, attempt: 0 }, 50, 0],
    ['the first socket, lost at once: none', open(0, 1000), 1001, 0],
    ['a reconnected socket lost at once: its attempt still counts', open(3, 1000), 1001, 3],
    [
      'lost 1 ms before it was stable: its attempt still counts',
      open(3, 1000),
      1000 + STABLE_AFTER_MS - 1,
      3,
    ],
    ['lost once it was stable: none (the next attempt is 1 again)', open(3, 1000), 1000 + STABLE_AFTER_MS, 0],
    ['lost long after: none', open(7, 0), 3_600_000, 0],
    ['between sockets: none', { name: 'waiting', attempt: 2, timer: Subscription.EMPTY }, 0, 0],
  ])('%s', (_, phase, now, expected) => {
    expect(attemptsMade(phase, now)).toBe(expected);
  });
});

describe('nextAttempt', () => {
  const reconnect: ReconnectOptions = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000 };
  it.each<[string, ReconnectOptions | undefined, number, TransportClose, number | undefined]>([
    ['without the option', undefined, 0, closed(1006), undefined],
    ['the first loss', reconnect, 0, closed(1006), 1],
    ['after a failed attempt', reconnect, 1, refused(), 2],
    ['the last attempt allowed', reconnect, 2, refused(503), 3],
    ['the attempts used up', reconnect, 3, refused(), undefined],
    ['a close that retrying cannot help', reconnect, 0, closed(4000), undefined],
    ['a refusal that retrying cannot help', reconnect, 1, refused(401), undefined],
    ['maxAttempts 0', { ...reconnect, maxAttempts: 0 }, 0, closed(1006), undefined],
  ])('%s', (_, options, attempts, close, expected) => {
    expect(nextAttempt(options, attempts, close)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const options: ReconnectOptions = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000 };
  it.each<[string, ReconnectOptions, number, number, number]>([
    // options, attempt, random, delay
    ['attempt 1 is the initial delay', { ...options, jitter: 0 }, 1, 0.9, 100],
    ['attempt 2 doubles it', { ...options, jitter: 0 }, 2, 0.9, 200],
    ['attempt 4 doubles it twice more', { ...options, jitter: 0 }, 4, 0.9, 800],
    ['attempt 5 is held at maxDelayMs', { ...options, jitter: 0 }, 5, 0.9, 1000],
    ['attempt 30 is held at maxDelayMs', { ...options, jitter: 0 }, 30, 0.9, 1000],
    ['default jitter 0.2, random 0: the full delay', options, 1, 0, 100],
    ['default jitter 0.2, random 0.5: a tenth off', options, 1, 0.5, 90],
    ['default jitter 0.2, random near 1: almost a fifth off', options, 3, 0.999, 320],
    ['jitter 0.5, random 0.5: a quarter off', { ...options, jitter: 0.5 }, 2, 0.5, 150],
    ['jitter 1, random 0.5: half off', { ...options, jitter: 1 }, 5, 0.5, 500],
    ['rounded to whole milliseconds', { ...options, initialDelayMs: 3 }, 1, 0.5, 3],
    ['a first delay above maxDelayMs is held too', { ...options, initialDelayMs: 5000 }, 1, 0, 1000],
  ])('%s', (_, reconnect, attempt, random, expected) => {
    expect(backoffDelayMs(reconnect, attempt, () => random)).toBe(expected);
  });

  it('uses Math.random when given no random source', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(backoffDelayMs({ ...options, jitter: 0.4 }, 1)).toBe(90);
    } finally {
      random.mockRestore();
    }
  });

  it('stays within [full × (1 − jitter), full] for any random in [0, 1)', () => {
    for (const random of [0, 0.1, 0.37, 0.5, 0.73, 0.99999]) {
      const delay = backoffDelayMs({ ...options, jitter: 0.2 }, 3, () => random);
      expect(delay).toBeGreaterThanOrEqual(320);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});
