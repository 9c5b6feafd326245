import {
  ResponseGate,
  nextGate,
  type GateInput,
  type GateState,
  type ResponseParams,
} from '../../src/protocol/openai/responseGate';

const A: ResponseParams = { instructions: 'a' };
const B: ResponseParams = { instructions: 'b' };
const C: ResponseParams = { instructions: 'c' };

// States whose last sent request had parameters A, unless said otherwise.
const idle = (sent: ResponseParams): GateState => ({ name: 'idle', sent });
const active = (sent: ResponseParams): GateState => ({ name: 'active', sent });
const withHeld = (held: ResponseParams, sent: ResponseParams = A): GateState => ({
  name: 'activeWithHeld',
  sent,
  held,
});

const request = (params: ResponseParams): GateInput => ({ type: 'request', params });
const created: GateInput = { type: 'created' };
const ended: GateInput = { type: 'ended' };
const refused: GateInput = { type: 'refused' };

const createWith = (params: ResponseParams): string =>
  JSON.stringify(
    params === undefined ? { type: 'response.create' } : { type: 'response.create', response: params },
  );

describe('nextGate', () => {
  it.each<[string, GateState, GateInput, GateState, boolean]>([
    // A request: sent while idle, else held; held ones coalesce, the latest parameters winning.
    ['idle, a request: sent', idle(A), request(B), active(B), true],
    ['idle, a plain request: sent plain', idle(A), request(undefined), active(undefined), true],
    ['active, a request: held', active(A), request(B), withHeld(B), false],
    ['active, a plain request: held plain', active(A), request(undefined), withHeld(undefined), false],
    ['held, a request: its parameters win', withHeld(B), request(C), withHeld(C), false],
    ['held, a plain request: the held parameters stay', withHeld(B), request(undefined), withHeld(B), false],
    // response.created: active from then on, whoever started it.
    ['idle, created: active', idle(A), created, active(A), false],
    ['active, created: unchanged', active(A), created, active(A), false],
    ['held, created: unchanged', withHeld(B), created, withHeld(B), false],
    // response.done / cancelled: idle, or the held request released (and active again).
    ['idle, ended: unchanged', idle(A), ended, idle(A), false],
    ['active, ended: idle', active(A), ended, idle(A), false],
    ['held, ended: released with its parameters', withHeld(B), ended, active(B), true],
    ['held plain, ended: released plain', withHeld(undefined), ended, active(undefined), true],
    // conversation_already_has_active_response: the request sent is held again.
    ['idle, refused: the sent request held', idle(A), refused, withHeld(A), false],
    ['active, refused: the sent request held', active(A), refused, withHeld(A), false],
    ['held, refused: the held (later) parameters win', withHeld(B), refused, withHeld(B), false],
    ['held plain, refused: the sent parameters kept', withHeld(undefined), refused, withHeld(A), false],
  ])('%s', (_name, state, input, expected, sends) => {
    expect(nextGate(state, input)).toEqual({ state: expected, sends });
  });

  it('leaves the state it is given alone', () => {
    const state = withHeld(B);
    const copy = structuredClone(state);
    for (const input of [request(C), created, ended, refused]) nextGate(state, input);
    expect(state).toEqual(copy);
  });
});

describe('ResponseGate', () => {
  it('writes a request sent at once into the frames, and nothing for one held', () => {
    const gate = new ResponseGate();
    const first: string[] = [];
    gate.request(A, first);
    expect(first).toEqual([createWith(A)]);
    expect(gate.stateName).toBe('active');
    const second: string[] = [];
    gate.request(B, second);
    expect(second).toEqual([]);
    expect(gate.stateName).toBe('activeWithHeld');
  });

  it('releases a held request into takePending once, on the end of the active response', () => {
    const gate = new ResponseGate();
    gate.request(A, []);
    gate.request(B, []);
    expect(gate.takePending()).toBeUndefined();
    gate.ended('resp_1');
    expect(gate.stateName).toBe('active');
    expect(gate.takePending()).toEqual([createWith(B)]);
    expect(gate.takePending()).toBeUndefined();
  });

  it('holds again a refused request with the parameters it was sent with', () => {
    const gate = new ResponseGate();
    gate.request(A, []);
    gate.refused();
    expect(gate.stateName).toBe('activeWithHeld');
    gate.ended(undefined);
    expect(gate.takePending()).toEqual([createWith(A)]);
  });

  it('lets out-of-band responses move nothing, and forgets them when they end', () => {
    const gate = new ResponseGate();
    gate.created('resp_oob');
    expect(gate.stateName).toBe('idle');
    expect([...gate.outOfBand]).toEqual(['resp_oob']);
    gate.request(A, []);
    gate.request(B, []);
    gate.ended('resp_oob');
    expect(gate.outOfBand.size).toBe(0);
    expect(gate.stateName).toBe('activeWithHeld');
    expect(gate.takePending()).toBeUndefined();
    gate.ended('resp_oob'); // no longer out of band: ends the conversation's response
    expect(gate.takePending()).toEqual([createWith(B)]);
  });

  it('counts a response the server started by itself as active', () => {
    const gate = new ResponseGate();
    gate.created(undefined);
    const frames: string[] = [];
    gate.request(undefined, frames);
    expect(frames).toEqual([]);
    gate.ended('resp_vad');
    expect(gate.takePending()).toEqual([createWith(undefined)]);
  });
});
