// TextLedger's confirmations by pong: each ping remembers how many texts were written before it,
// pongs match pings in order, and a pong with no ping out proves nothing.
import { TextLedger } from '../../src/conversation/textLedger';

/** A ledger with `texts` accepted and written in order; what `wrote` answered for each. */
function written(acknowledges: boolean, texts: string[]) {
  const ledger = new TextLedger(acknowledges);
  const asked = texts.map((text) => ledger.wrote(ledger.accept(text)));
  return { ledger, asked };
}

describe('TextLedger: confirmed by pongs', () => {
  it('a pong confirms the texts written before its ping, not those after', () => {
    const { ledger } = written(false, ['a', 'b']);
    ledger.pinged();
    ledger.wrote(ledger.accept('c'));
    expect(ledger.ponged()).toBe(true); // 'c' waits, and no ping is out: ask for one
    expect(ledger.socketLost()).toEqual({ unconfirmed: ['c'] });
  });

  it('pongs match pings in order, each confirming up to its own ping', () => {
    const { ledger } = written(false, ['a']);
    ledger.pinged();
    ledger.wrote(ledger.accept('b'));
    ledger.pinged();
    ledger.wrote(ledger.accept('c'));
    expect(ledger.ponged()).toBe(false); // a ping is still out
    expect(ledger.ponged()).toBe(true);
    expect(ledger.takeAll()).toEqual(['c']);
  });

  it('a pong with no ping out (unasked) confirms nothing, nor do pongs beyond the pings', () => {
    const { ledger } = written(false, ['a']);
    expect(ledger.ponged()).toBe(false);
    ledger.pinged();
    ledger.wrote(ledger.accept('b'));
    expect(ledger.ponged()).toBe(true);
    expect(ledger.ponged()).toBe(false);
    expect(ledger.ponged()).toBe(false);
    expect(ledger.socketLost()).toEqual({ unconfirmed: ['b'] });
  });

  it('asks for one ping at a time: after the first text with none out, then once its pong leaves texts waiting', () => {
    const { ledger, asked } = written(false, ['a', 'b', 'c']);
    expect(asked).toEqual([true, false, false]);
    ledger.pinged(); // written after all three (one job)
    expect(ledger.wrote(ledger.accept('d'))).toBe(false); // a ping is out
    expect(ledger.ponged()).toBe(true); // 'd' is after it
    ledger.pinged();
    expect(ledger.ponged()).toBe(false); // nothing left to confirm
    expect(ledger.takeAll()).toEqual([]);
  });

  it('a lost socket forgets its pings: a pong of the next socket needs a ping of its own', () => {
    const { ledger } = written(false, ['a']);
    ledger.pinged();
    expect(ledger.socketLost()).toEqual({ unconfirmed: ['a'] });
    expect(ledger.wrote(ledger.accept('b'))).toBe(true);
    expect(ledger.ponged()).toBe(false);
    expect(ledger.takeAll()).toEqual(['b']);
  });

  it('with item acknowledgements (openai): only they confirm; pings are neither asked for nor counted', () => {
    const { ledger } = written(true, ['a', 'b', 'c']);
    ledger.pinged(); // after a, b, c
    expect(ledger.ponged()).toBe(false); // confirms nothing: a proxy may answer pings
    ledger.acknowledge('rx_t2'); // a and b
    const d = ledger.accept('d');
    expect(ledger.wrote(d)).toBe(false); // no ping asked for
    expect(ledger.socketLost()).toEqual({ again: 2 });
    expect(ledger.toWriteAgain()?.map((t) => t.text)).toEqual(['c', 'd']);
  });
});
