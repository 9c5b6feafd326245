/*
 * The frames a script sends as they are: shared by the scripted server and its browser stand-in, so
 * both build the same class (and the server can tell them from JSON values with `instanceof`).
 */

let makeFrame!: (kind: 'text' | 'binary', data: string | Uint8Array) => ScriptFrame;

/**
 * A frame a script sends as-is instead of JSON-encoding it. Build one with {@link rawFrame} or
 * {@link binaryFrame}; the class exists so the server can tell these apart from JSON values.
 *
 * @example
 * ```ts
 * const frame: ScriptFrame = rawFrame('{"type": "session.created", oops');
 * const server = await startScriptedServer([[[frame]]]);
 * ```
 */
export class ScriptFrame {
  private constructor(
    /** `text`: `data` is sent verbatim as a text frame; `binary`: `data` is sent as a binary frame. */
    readonly kind: 'text' | 'binary',
    /** The text, or the bytes, of the frame. */
    readonly data: string | Uint8Array,
  ) {}

  static {
    makeFrame = (kind, data) => new ScriptFrame(kind, data);
  }
}

/**
 * A text frame sent verbatim, e.g. malformed JSON to test the client's decoder.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([[[rawFrame('not json'), { type: 'session.created', session: { id: 's1' } }]]]);
 * ```
 *
 * @param text The frame's text, sent as it is.
 * @return A script value for a batch.
 */
export function rawFrame(text: string): ScriptFrame {
  if (typeof text !== 'string') throw new TypeError('rawFrame: text must be a string');
  return makeFrame('text', text);
}

/**
 * A binary frame. The bytes are copied, so later changes to `bytes` do not alter the script.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([[[binaryFrame(new Uint8Array([1, 2, 3]))]]]);
 * ```
 *
 * @param bytes The frame's payload.
 * @return A script value for a batch.
 */
export function binaryFrame(bytes: Uint8Array): ScriptFrame {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('binaryFrame: bytes must be a Uint8Array');
  return makeFrame('binary', Uint8Array.from(bytes));
}
