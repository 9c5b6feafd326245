import type { FunctionTool } from '../protocol/openai/options.js';
import type { RealtimeTool } from './defineTool.js';
import { toolsByName } from './toolsByName.js';

/**
 * The GA function tools that offer `tools` to the model: what `session.tools` (or a response's
 * `tools`) takes.
 *
 * <span class="informal">Each tool as `{ type: 'function', name, description?, parameters }`, its
 * `parameters` the JSON Schema given to {@link defineTool} or derived from its codec.</span>
 *
 * @example
 * ```ts
 * import * as t from 'io-ts';
 * import { connectConversation, defineTool, runTools, toolDefinitions } from 'realtime-rx';
 * import { startDevServer } from 'realtime-rx/testing';
 *
 * const weather = defineTool({
 *   name: 'get_weather',
 *   args: t.type({ city: t.string }),
 *   run: ({ city }) => JSON.stringify({ city, celsius: 21 }),
 * });
 * const server = await startDevServer({ dialect: 'openai' });
 * const conversation = connectConversation({ url: server.url, session: { tools: toolDefinitions([weather]) } });
 * conversation.events$.pipe(runTools([weather])).subscribe(conversation.control);
 * conversation.text.next('call get_weather {"city":"Paris"}'); // the dev server calls the tool
 * ```
 *
 * @see {@link defineTool}
 * @see {@link runTools}
 *
 * @param tools The tools, their names unique.
 * @return One function tool per tool, in order.
 * @throws {RealtimeError} `config`, synchronously, when two tools have the same name.
 */
export function toolDefinitions(tools: RealtimeTool[]): FunctionTool[] {
  toolsByName(tools, 'toolDefinitions');
  return tools.map(({ name, description, parameters }) =>
    description === undefined
      ? { type: 'function', name, parameters }
      : { type: 'function', name, description, parameters },
  );
}
