import { responseCreateWith } from './encode.js';

/** The parameters of a `response.create` (the GA `response` object), as sent. */
export type ResponseParams = Record<string, unknown> | undefined;

/**
 * Where the conversation's responses stand, as far as requesting one goes. `sent` is the parameters
 * of the last `response.create` sent, kept in every state: a refusal may arrive after its response
 * was already counted done.
 * - `idle`: no response active; a request is sent at once.
 * - `active`: a response is active (or requested and not yet answered); a request is held.
 * - `activeWithHeld`: a response is active and one request is held, with the parameters it will be
 *   sent with (`held`).
 */
export type GateState =
  | { readonly name: 'idle'; readonly sent: ResponseParams }
  | { readonly name: 'active'; readonly sent: ResponseParams }
  | { readonly name: 'activeWithHeld'; readonly sent: ResponseParams; readonly held: ResponseParams };

/**
 * What moves the gate: a request of the app's (after a text, a tool output, or a `response.create`),
 * and what the server says of the conversation's responses (out-of-band ones never get here).
 * - `created`: `response.created` (the server also starts responses by itself, with server VAD);
 * - `ended`: `response.done` (any status) or `response.cancelled`;
 * - `refused`: the error `conversation_already_has_active_response`: the request just sent crossed a
 *   response the server started.
 */
export type GateInput =
  | { readonly type: 'request'; readonly params: ResponseParams }
  | { readonly type: 'created' }
  | { readonly type: 'ended' }
  | { readonly type: 'refused' };

/** A step of the gate: the state after an input, and whether a `response.create` goes out with `state.sent`. */
export interface GateStep {
  readonly state: GateState;
  readonly sends: boolean;
}

/**
 * The gate's transition: pure. Held requests coalesce into one that carries the parameters of the
 * latest request that had any (a request without parameters does not erase earlier ones, so an app's
 * explicit instructions are not lost to a text typed meanwhile). A refused request is held again, and
 * merges with one held meanwhile the same way (that one being the later).
 */
export function nextGate(state: GateState, input: GateInput): GateStep {
  const { sent } = state;
  switch (input.type) {
    case 'request':
      if (state.name === 'idle') return { state: { name: 'active', sent: input.params }, sends: true };
      return { state: { name: 'activeWithHeld', sent, held: input.params ?? heldOf(state) }, sends: false };
    case 'created':
      return { state: state.name === 'idle' ? { name: 'active', sent } : state, sends: false };
    case 'ended':
      if (state.name === 'activeWithHeld')
        return { state: { name: 'active', sent: state.held }, sends: true };
      return { state: state.name === 'idle' ? state : { name: 'idle', sent }, sends: false };
    case 'refused':
      // A request held meanwhile is the later one: its parameters win.
      return { state: { name: 'activeWithHeld', sent, held: heldOf(state) ?? sent }, sends: false };
  }
}

/** The parameters of the held request, if any. */
function heldOf(state: GateState): ResponseParams {
  return state.name === 'activeWithHeld' ? state.held : undefined;
}

/** Every gate's first state: states are never changed, only replaced, so one object serves all. */
const INITIAL: GateState = { name: 'idle', sent: undefined };
const CREATED: GateInput = { type: 'created' };
const ENDED: GateInput = { type: 'ended' };
const REFUSED: GateInput = { type: 'refused' };

/**
 * The response gating of one `openai` socket. The GA API allows one active response per conversation
 * (a second `response.create` fails with `conversation_already_has_active_response`), so a request is
 * sent at once only when no response is active, and held otherwise until the active one ends (see
 * {@link nextGate}); a released request waits in {@link takePending}.
 *
 * Out-of-band responses (`conversation: 'none'`) join no conversation: their requests never pass
 * through here, and their `response.created` / `response.done` move nothing.
 */
export class ResponseGate {
  private state: GateState = INITIAL;
  /** Out-of-band responses under way: their end releases nothing. Made with the first one. */
  private outOfBandIds: Set<string> | undefined;
  private pending: string[] | undefined;

  /** Out-of-band responses under way. */
  get outOfBand(): ReadonlySet<string> {
    return this.outOfBandIds ?? NONE;
  }

  /** Where the gate stands. */
  get stateName(): GateState['name'] {
    return this.state.name;
  }

  /** A request for a response: its `response.create` goes into `frames` now, or is held. */
  request(params: ResponseParams, frames: string[]): void {
    if (this.step({ type: 'request', params })) frames.push(responseCreateWith(this.state.sent));
  }

  /** `response.created`; `outOfBandId` is the response's id when it joins no conversation. */
  created(outOfBandId: string | undefined): void {
    if (outOfBandId !== undefined) (this.outOfBandIds ??= new Set()).add(outOfBandId);
    else this.step(CREATED);
  }

  /** `response.done` or `response.cancelled` of response `responseId` (if the message names one). */
  ended(responseId: unknown): void {
    if (typeof responseId === 'string' && this.outOfBandIds?.delete(responseId) === true) return;
    if (this.step(ENDED)) (this.pending ??= []).push(responseCreateWith(this.state.sent));
  }

  /** The error `conversation_already_has_active_response`. */
  refused(): void {
    this.step(REFUSED);
  }

  /** The `response.create` released by the last end, once. */
  takePending(): string[] | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  /** The one place the state changes. */
  private step(input: GateInput): boolean {
    const next = nextGate(this.state, input);
    this.state = next.state;
    return next.sends;
  }
}

/** No out-of-band response under way (every gate's until its first one). */
const NONE: ReadonlySet<string> = new Set<string>();
