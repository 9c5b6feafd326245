// Checks of the GA parameters that `session.update` and `response.create` share. Each returns the value
// as the server keeps (and later shows) it, or throws a ClientError naming the bad path: what the
// server echoes back is then valid GA by construction.
import {
  ClientError,
  invalidType,
  invalidValue,
  isObject,
  missing,
  objectAt,
  oneOf,
  refuseUnknown,
  stringAt,
  type Json,
} from './wire.js';

export type Modality = 'audio' | 'text';

export function outputModalitiesAt(value: unknown, path: string): [Modality] {
  if (!Array.isArray(value) || value.length !== 1 || (value[0] !== 'audio' && value[0] !== 'text'))
    throw invalidValue(path, "expected ['audio'] or ['text']");
  return [value[0] as Modality];
}

/** An integer from 1 to 4096, or `'inf'`. */
export function maxOutputTokensAt(value: unknown, path: string): number | 'inf' {
  if (value === 'inf') return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 4096)
    throw invalidValue(path, `${JSON.stringify(value)}; expected an integer from 1 to 4096, or 'inf'`);
  return value;
}

/** Function tools (the dev server connects to no MCP server, so `mcp` tools are refused). */
export function toolsAt(value: unknown, path: string): Json[] {
  if (!Array.isArray(value)) throw invalidType(path, 'an array');
  return value.map((raw: unknown, i) => {
    const at = `${path}[${i}]`;
    const tool = objectAt(raw, at);
    if (tool.type === 'mcp')
      throw invalidValue(`${at}.type`, "'mcp'; the dev server has no MCP servers, only function tools");
    if (tool.type !== undefined && tool.type !== 'function')
      throw invalidValue(`${at}.type`, `${JSON.stringify(tool.type)}; expected 'function'`);
    refuseUnknown(tool, ['type', 'name', 'description', 'parameters'], at);
    if (tool.name === undefined) throw missing(`${at}.name`);
    const checked: Json = { type: 'function', name: stringAt(tool.name, `${at}.name`) };
    if (tool.description !== undefined) checked.description = stringAt(tool.description, `${at}.description`);
    if (tool.parameters !== undefined)
      checked.parameters = structuredClone(objectAt(tool.parameters, `${at}.parameters`));
    return checked;
  });
}

/** `'none'`, `'auto'`, `'required'`, or `{ type: 'function', name }`. */
export function toolChoiceAt(value: unknown, path: string): string | Json {
  if (typeof value === 'string') return oneOf(value, ['none', 'auto', 'required'], path);
  const choice = objectAt(value, path);
  if (choice.type !== 'function')
    throw invalidValue(`${path}.type`, `${JSON.stringify(choice.type)}; expected 'function'`);
  refuseUnknown(choice, ['type', 'name'], path);
  return { type: 'function', name: stringAt(choice.name, `${path}.name`) };
}

/** Up to 16 string values under keys of up to 64 characters; values up to 512 characters; or `null`. */
export function metadataAt(value: unknown, path: string): Json | null {
  if (value === null) return null;
  const metadata = objectAt(value, path);
  const keys = Object.keys(metadata);
  if (keys.length > 16) throw invalidValue(path, `${keys.length} keys; at most 16 are allowed`);
  for (const key of keys) {
    if (key.length > 64) throw invalidValue(path, `the key '${key}' is longer than 64 characters`);
    const entry = stringAt(metadata[key], `${path}.${key}`);
    if (entry.length > 512) throw invalidValue(`${path}.${key}`, 'longer than 512 characters');
  }
  return { ...metadata };
}

/** A prompt template reference (`{ id, variables?, version? }`), or `null`. */
export function promptAt(value: unknown, path: string): Json | null {
  if (value === null) return null;
  const prompt = objectAt(value, path);
  refuseUnknown(prompt, ['id', 'variables', 'version'], path);
  if (prompt.id === undefined) throw missing(`${path}.id`);
  stringAt(prompt.id, `${path}.id`);
  if (prompt.variables !== undefined && prompt.variables !== null)
    objectAt(prompt.variables, `${path}.variables`);
  if (prompt.version !== undefined && prompt.version !== null) stringAt(prompt.version, `${path}.version`);
  return structuredClone(prompt);
}

/** A voice name (custom voices, `{ id }`, are not available on the dev server). */
export function voiceAt(value: unknown, path: string): string {
  if (isObject(value))
    throw new ClientError('invalid_value', `Invalid '${path}': the dev server has no custom voices.`, path);
  return stringAt(value, path);
}
