import {
  asyncScheduler,
  from,
  Observable,
  Subscription,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { RealtimeControl } from '../protocol/control.js';
import { formatDecodeErrors } from '../protocol/decodeErrors.js';
import { errorText } from '../protocol/errors.js';
import type { RealtimeEvent, RealtimeEventOf } from '../protocol/events.js';
import type { RealtimeTool } from './defineTool.js';
import { toolsByName } from './toolsByName.js';

/** A call whose tool is running: what cancels it, and which response made it. */
interface RunningCall {
  readonly callId: string;
  readonly responseId: string | undefined;
  readonly controller: AbortController;
  /** The tool's Observable and its timeout. */
  readonly subscription: Subscription;
}

/**
 * Answers the model's function calls: runs the tool each `tool.call` names and emits its
 * `tool.output`, and stops a tool whose answer is no longer wanted.
 *
 * <span class="informal">Like `mergeMap` from calls to outputs (calls run concurrently), with the
 * cancellation of `switchMap` where the conversation moves on: when the user talks over the assistant,
 * its running tools stop.</span>
 *
 * ```
 * events: -a---b----s---x|
 * tool a:  \--o
 * tool b:      \----!
 * result: ----o----------|
 * ```
 * `a`, `b` = `tool.call` events (two call ids); `o` = the `tool.output` of `a`, whose tool answered
 * after 3 frames; `b`'s tool is still running at `s` (`speech.started`, barge-in): it is stopped (`!`)
 * and answers nothing; `x` = `closed`.
 *
 * For each `tool.call`:
 * - a call id seen before is ignored: a call is never answered twice;
 * - a tool not in `tools`: answered with an output saying there is no such tool;
 * - the arguments are parsed (JSON text; an empty text is `{}`) and decoded with the tool's `args`;
 *   when they are not JSON or do not decode, the call is answered with an output naming what is wrong
 *   (`Invalid arguments for get_weather: city: expected string, got 42`) and the tool is not run;
 * - else the tool runs with the decoded arguments and `{ callId, signal }`. What it returns answers
 *   the call: a string at once, a Promise when it resolves, an Observable with its first value (it is
 *   then unsubscribed). A tool that throws, rejects, errors or completes without a value is answered
 *   with an output saying it failed and why (the error's message, never its stack), as is a call whose
 *   codec throws; the operator goes on.
 *
 * A running tool is stopped (its `signal` aborted, its Observable unsubscribed) and its call answered
 * with nothing, when:
 * - `response.cancelled` comes for the response that made the call (its `responseId`);
 * - the user starts talking (`speech.started`): barge-in;
 * - the socket is lost (`reconnecting`): the next socket is a new server session, where the call
 *   cannot be answered;
 * - the conversation ends: `closed`, the events completing or erroring, or this operator unsubscribed.
 * With `timeoutMs`, a tool still running after it is stopped the same way, and its call answered with
 * an output saying it timed out.
 *
 * Each output is `{ type: 'tool.output', callId, output, respond }`: `respond` (so the conversation
 * asks for a response after it) is `options.respond` (default true), except that when several calls of
 * one response run at once, only the last one answered asks (earlier ones have `respond: false`), so
 * that the model answers once, with every output in hand. A conversation holds a response asked for
 * while another is active until that one is done.
 *
 * - The result completes when the events complete (or after `closed`, when they complete), and
 *   forwards their error; tools' errors are answered to the model, never forwarded.
 * - Every call's state is local to the subscription; unsubscribing stops every running tool.
 *
 * Hot path: an event other than `tool.call` allocates nothing.
 *
 * @example
 * A weather assistant: the model calls the tool, the tool's answer goes back, the model speaks it
 * ```ts
 * import * as t from 'io-ts';
 * import { connectConversation, defineTool, runTools, toolDefinitions } from 'realtime-rx';
 *
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'The current weather in a city',
 *   args: t.type({ city: t.string }),
 *   run: async ({ city }, { signal }) => {
 *     const response = await fetch(`https://wttr.in/${encodeURIComponent(city)}?format=j1`, { signal });
 *     return JSON.stringify(await response.json());
 *   },
 * });
 * const conversation = connectConversation({
 *   url: 'https://api.openai.com',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   session: { tools: toolDefinitions([weather]) },
 * });
 * conversation.events$.pipe(runTools([weather], { timeoutMs: 10_000 })).subscribe(conversation.control);
 * ```
 *
 * @see {@link defineTool}
 * @see {@link toolDefinitions}
 * @see {@link bargeIn}, which cancels the response the user talks over.
 *
 * @param tools The tools the model may call, their names unique.
 * @param options `timeoutMs`: how long a tool may run (default: no limit); `respond`: whether an
 * output asks for a response (default true); `scheduler`: for the timeouts (default `asyncScheduler`).
 * @return A function that returns an Observable of the `tool.output` controls, for
 * {@link Conversation.control}.
 * @throws {RealtimeError} `config`, synchronously, when two tools have the same name.
 * @throws {RangeError} synchronously, when `timeoutMs` is not a positive number.
 */
export function runTools(
  tools: RealtimeTool[],
  options?: { timeoutMs?: number; respond?: boolean; scheduler?: SchedulerLike },
): OperatorFunction<RealtimeEvent, RealtimeControl> {
  const byName = toolsByName(tools, 'runTools');
  const timeoutMs = options?.timeoutMs;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs < Infinity)) {
    throw new RangeError(`runTools: timeoutMs must be a positive number, got ${String(timeoutMs)}`);
  }
  const respond = options?.respond ?? true;
  const scheduler = options?.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<RealtimeControl>((subscriber) => {
      /** Every call id seen: a call is answered once at most. */
      const seen = new Set<string>();
      const running = new Map<string, RunningCall>();
      /** The conversation ended: later calls are not run. */
      let ended = false;

      const answer = (callId: string, responseId: string | undefined, output: string): void => {
        let ask = respond;
        // Another call of the same response still running will ask for the response when it answers.
        for (const call of running.values()) if (call.responseId === responseId) ask = false;
        subscriber.next({ type: 'tool.output', callId, output, respond: ask });
      };

      /** Forgets a running call and releases its Observable and timeout. */
      const settle = (call: RunningCall): boolean => {
        if (running.get(call.callId) !== call) return false;
        running.delete(call.callId);
        call.subscription.unsubscribe();
        return true;
      };

      const stop = (call: RunningCall): void => {
        // Released first: a tool that reacts to the abort at once is no longer listened to.
        if (settle(call)) call.controller.abort();
      };

      const stopAll = (): void => {
        for (const call of running.values()) stop(call);
      };

      const run = (tool: RealtimeTool, event: RealtimeEventOf<'tool.call'>, args: unknown): void => {
        const { callId, responseId } = event;
        const name = tool.name;
        const controller = new AbortController();
        let result: ObservableInput<string> | string;
        let output$: Observable<string>;
        try {
          result = tool.run(args, { callId, signal: controller.signal });
          if (typeof result === 'string') return answer(callId, responseId, result);
          output$ = from(result);
        } catch (error) {
          return answer(callId, responseId, failed(name, error));
        }
        const call: RunningCall = { callId, responseId, controller, subscription: new Subscription() };
        running.set(callId, call);
        const done = (output: string): void => {
          if (settle(call)) answer(callId, responseId, output);
        };
        // A tool may answer during subscribe: then `add` releases its subscription at once.
        call.subscription.add(
          output$.subscribe({
            next: (output) =>
              done(typeof output === 'string' ? output : `${name} failed: its output is not a string`),
            error: (error: unknown) => done(failed(name, error)),
            complete: () => done(`${name} failed: it completed without an output`),
          }),
        );
        if (timeoutMs !== undefined && running.get(callId) === call) {
          call.subscription.add(
            scheduler.schedule(() => {
              stop(call);
              answer(callId, responseId, `${name} timed out after ${timeoutMs} ms`);
            }, timeoutMs),
          );
        }
      };

      const onCall = (event: RealtimeEventOf<'tool.call'>): void => {
        if (ended || seen.has(event.callId)) return;
        seen.add(event.callId);
        const { callId, responseId, name } = event;
        const tool = byName.get(name);
        if (tool === undefined) return answer(callId, responseId, `There is no tool named ${name}`);
        let parsed: unknown;
        try {
          parsed = event.arguments.trim() === '' ? {} : JSON.parse(event.arguments);
        } catch (error) {
          return answer(callId, responseId, `Invalid arguments for ${name}: not JSON (${errorText(error)})`);
        }
        let decoded: ReturnType<RealtimeTool['args']['decode']>;
        try {
          decoded = tool.args.decode(parsed);
        } catch (error) {
          // A custom codec that throws is the tool's failure, not the model's.
          return answer(callId, responseId, failed(name, error));
        }
        if (decoded._tag === 'Left')
          return answer(
            callId,
            responseId,
            `Invalid arguments for ${name}: ${formatDecodeErrors(decoded.left)}`,
          );
        run(tool, event, decoded.right);
      };

      const subscription = source.subscribe({
        next: (event) => {
          switch (event.type) {
            case 'tool.call':
              onCall(event);
              break;
            case 'response.cancelled':
              for (const call of running.values()) if (call.responseId === event.responseId) stop(call);
              break;
            // reconnecting: the new socket is a new server session, where the call cannot be answered.
            case 'speech.started':
            case 'reconnecting':
              stopAll();
              break;
            case 'closed':
              ended = true;
              stopAll();
              break;
            default:
              break;
          }
        },
        error: (error: unknown) => {
          ended = true;
          stopAll();
          subscriber.error(error);
        },
        complete: () => {
          ended = true;
          stopAll();
          subscriber.complete();
        },
      });

      return () => {
        ended = true;
        subscription.unsubscribe();
        stopAll();
      };
    });
}

/** What the model is told of a tool that failed: the error's message, never its stack. */
function failed(name: string, error: unknown): string {
  const message = errorText(error);
  return `${name} failed: ${message === '' && error instanceof Error ? error.name : message}`;
}
