import * as t from 'io-ts';
import { allOptional, byKind, discriminated, nullable, oneOf, struct } from './primitives.js';

/** Tools a session or a response offers the model (functions and remote MCP servers), and the tool choice. */

/** A function the model may call; `type` may be left out. */
export const FunctionToolCodec = allOptional('RealtimeFunctionTool', {
  description: t.string,
  name: t.string,
  parameters: t.unknown,
  type: t.literal('function'),
});

const McpToolFilter = allOptional('McpToolFilter', {
  read_only: t.boolean,
  tool_names: t.array(t.string),
});

/** A remote MCP server's tools. */
export const McpToolCodec = struct(
  'RealtimeResponseCreateMcpTool',
  { server_label: t.string, type: t.literal('mcp') },
  {
    allowed_callers: nullable(t.array(oneOf('direct', 'programmatic'))),
    allowed_tools: byKind({ array: t.array(t.string), object: McpToolFilter, null: t.null }),
    authorization: t.string,
    connector_id: oneOf(
      'connector_dropbox',
      'connector_gmail',
      'connector_googlecalendar',
      'connector_googledrive',
      'connector_microsoftteams',
      'connector_outlookcalendar',
      'connector_outlookemail',
      'connector_sharepoint',
    ),
    defer_loading: t.boolean,
    headers: nullable(t.record(t.string, t.string)),
    require_approval: byKind({
      object: allOptional('McpToolApprovalFilter', { always: McpToolFilter, never: McpToolFilter }),
      string: oneOf('always', 'never'),
      null: t.null,
    }),
    server_description: t.string,
    server_url: t.string,
    tunnel_id: t.string,
  },
);

/** A function tool (the default when `type` is left out) or an MCP tool. */
export const ToolCodec = discriminated(
  'type',
  { function: FunctionToolCodec, mcp: McpToolCodec },
  'RealtimeToolsConfigUnion',
  ['function'],
);

/** `'none' | 'auto' | 'required'`, or one function or MCP tool forced. */
export const ToolChoiceCodec = byKind({
  string: oneOf('none', 'auto', 'required'),
  object: discriminated(
    'type',
    {
      function: struct('ToolChoiceFunction', { name: t.string, type: t.literal('function') }),
      mcp: struct(
        'ToolChoiceMcp',
        { server_label: t.string, type: t.literal('mcp') },
        { name: nullable(t.string) },
      ),
    },
    'RealtimeToolChoiceConfig',
  ),
});
