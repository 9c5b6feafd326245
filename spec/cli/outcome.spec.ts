// How `talk` turns the way a conversation ended into an exit code and one line.
import { EXIT, talkVerdict, type TalkEnding } from '../../src/cli/outcome';
import { takeLoneFlag } from '../../src/cli/options';

const requested: TalkEnding['closed'] = { type: 'closed', reason: 'requested', code: 1000 };
const ending = (over: Partial<TalkEnding>): TalkEnding => ({
  closed: requested,
  opened: true,
  timedOut: false,
  unsent: { texts: 0, frames: 0 },
  ...over,
});

describe('talkVerdict', () => {
  it('0 for a conversation that opened and that talk closed, with all its input sent', () => {
    expect(talkVerdict(ending({}), 1000)).toEqual({ code: 0 });
    expect(talkVerdict(ending({ timedOut: true }), 1000)).toEqual({ code: 0 });
  });

  it('4 when --timeout-ms came with texts or frames unsent, naming what was left', () => {
    expect(talkVerdict(ending({ timedOut: true, unsent: { texts: 2, frames: 0 } }), 500)).toEqual({
      code: EXIT.timedOut,
      problem: '--timeout-ms 500 came before the input was sent: 2 texts not sent',
    });
    expect(talkVerdict(ending({ timedOut: true, unsent: { texts: 1, frames: 40 } }), 500).problem).toBe(
      '--timeout-ms 500 came before the input was sent: 1 text and 40 audio frames not sent',
    );
  });

  it('3 when it never opened, whatever else is true', () => {
    const refused = ending({
      opened: false,
      closed: { type: 'closed', reason: 'error', detail: 'Unexpected server response: 401' },
      unsent: { texts: 1, frames: 0 },
    });
    expect(talkVerdict(refused, 1000)).toEqual({
      code: EXIT.notConnected,
      problem: 'could not connect: Unexpected server response: 401',
    });
    const late = ending({ opened: false, timedOut: true, closed: { type: 'closed', reason: 'requested' } });
    expect(talkVerdict(late, 700).problem).toBe(
      'could not connect: no connection within 700 ms (--timeout-ms)',
    );
  });

  it('5 for a server error and 6 for a close talk did not ask for, each detail on one line', () => {
    const error = ending({ closed: { type: 'closed', reason: 'error', code: 1000, detail: 'bad\nthing' } });
    expect(talkVerdict(error, 1000)).toEqual({
      code: EXIT.serverError,
      problem: 'the conversation ended in error: bad thing',
    });
    const dropped = ending({ closed: { type: 'closed', reason: 'transport_closed', code: 1006 } });
    expect(talkVerdict(dropped, 1000)).toEqual({
      code: EXIT.closedByServer,
      problem: 'the connection closed before talk closed it (code 1006)',
    });
  });

  it('128 + the signal number when interrupted, without a problem line: 130 for SIGINT, 143 for SIGTERM', () => {
    const failedToo = { timedOut: true, unsent: { texts: 1, frames: 1 } };
    expect(talkVerdict(ending({ ...failedToo, interrupted: 'SIGINT' }), 1000)).toEqual({ code: 130 });
    expect(talkVerdict(ending({ ...failedToo, interrupted: 'SIGTERM' }), 1000)).toEqual({ code: 143 });
  });
});

describe('takeLoneFlag', () => {
  it('takes the flag out only when no value follows it', () => {
    expect(takeLoneFlag(['--stall-reads'], '--stall-reads')).toEqual({ argv: [], lone: true });
    expect(takeLoneFlag(['--stall-reads', '--port', '0'], '--stall-reads')).toEqual({
      argv: ['--port', '0'],
      lone: true,
    });
    expect(takeLoneFlag(['--stall-reads', '500'], '--stall-reads')).toEqual({
      argv: ['--stall-reads', '500'],
      lone: false,
    });
    expect(takeLoneFlag(['--port', '0'], '--stall-reads')).toEqual({ argv: ['--port', '0'], lone: false });
  });
});
