import { RealtimeError } from '../protocol/errors.js';

/**
 * Why {@link createClientSecret} failed after its options were checked: the server answered with an
 * error (`status` and, from a GA error body, its `code`), did not answer at all (no `status`), or gave
 * an answer that is not a client secret. A `RealtimeError` of kind `http`. Its message quotes the
 * server's, with the API key and any part of it hidden; it never names more of the URL than its host.
 *
 * @example
 * ```ts
 * try {
 *   const secret = await createClientSecret({ apiKey: process.env.OPENAI_API_KEY! });
 * } catch (e) {
 *   if (e instanceof ClientSecretError && e.status === 401) console.error('check the API key:', e.message);
 *   else throw e;
 * }
 * ```
 */
export class ClientSecretError extends RealtimeError {
  /**
   * @param message What went wrong; never the key.
   * @param status The HTTP status of the answer; undefined when there was none.
   * @param code The `error.code` of a GA error body (`invalid_api_key`, ...), when there was one.
   */
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super('http', message);
  }
}
