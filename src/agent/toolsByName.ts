import { RealtimeError } from '../protocol/errors.js';
import type { RealtimeTool } from './defineTool.js';

/** Tools by name. @throws RealtimeError('config') when two have the same name. */
export function toolsByName(tools: readonly RealtimeTool[], caller: string): Map<string, RealtimeTool> {
  const byName = new Map<string, RealtimeTool>();
  for (const tool of tools) {
    if (byName.has(tool.name))
      throw new RealtimeError('config', `${caller}: two tools are named ${tool.name}; names must be unique`);
    byName.set(tool.name, tool);
  }
  return byName;
}
