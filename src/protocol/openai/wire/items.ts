import * as t from 'io-ts';
import { allOptional, base64, discriminated, nullable, oneOf, present, struct } from './primitives.js';

/** Conversation items: the nine kinds of `ConversationItem`, told apart by `type` (messages by `role`). */

const ItemStatus = oneOf('completed', 'incomplete', 'in_progress');

/** The fields every message and function item may carry besides its own. */
const itemFields = { id: t.string, object: t.literal('realtime.item'), status: ItemStatus };

const SystemContent = allOptional('RealtimeConversationItemSystemMessage.Content', {
  text: t.string,
  type: t.literal('input_text'),
});

const UserContent = allOptional('RealtimeConversationItemUserMessage.Content', {
  audio: base64,
  detail: oneOf('auto', 'low', 'high'),
  image_url: t.string,
  text: t.string,
  transcript: t.string,
  type: oneOf('input_text', 'input_audio', 'input_image'),
});

const AssistantContent = allOptional('RealtimeConversationItemAssistantMessage.Content', {
  audio: base64,
  text: t.string,
  transcript: t.string,
  type: oneOf('output_text', 'output_audio'),
});

const SystemMessage = struct(
  'RealtimeConversationItemSystemMessage',
  { content: t.array(SystemContent), role: t.literal('system'), type: t.literal('message') },
  itemFields,
);

const UserMessage = struct(
  'RealtimeConversationItemUserMessage',
  { content: t.array(UserContent), role: t.literal('user'), type: t.literal('message') },
  itemFields,
);

const AssistantMessage = struct(
  'RealtimeConversationItemAssistantMessage',
  { content: t.array(AssistantContent), role: t.literal('assistant'), type: t.literal('message') },
  itemFields,
);

const FunctionCall = struct(
  'RealtimeConversationItemFunctionCall',
  { arguments: t.string, name: t.string, type: t.literal('function_call') },
  { ...itemFields, call_id: t.string },
);

const FunctionCallOutput = struct(
  'RealtimeConversationItemFunctionCallOutput',
  { call_id: t.string, output: t.string, type: t.literal('function_call_output') },
  itemFields,
);

const McpApprovalResponse = struct(
  'RealtimeMcpApprovalResponse',
  {
    id: t.string,
    approval_request_id: t.string,
    approve: t.boolean,
    type: t.literal('mcp_approval_response'),
  },
  { reason: nullable(t.string) },
);

const McpTool = struct(
  'RealtimeMcpListTools.Tool',
  { input_schema: present, name: t.string },
  { annotations: t.unknown, description: nullable(t.string) },
);

const McpListTools = struct(
  'RealtimeMcpListTools',
  { server_label: t.string, tools: t.array(McpTool), type: t.literal('mcp_list_tools') },
  { id: t.string },
);

const McpToolCallError = discriminated(
  'type',
  {
    protocol_error: struct('RealtimeMcpProtocolError', {
      code: t.number,
      message: t.string,
      type: t.literal('protocol_error'),
    }),
    tool_execution_error: struct('RealtimeMcpToolExecutionError', {
      message: t.string,
      type: t.literal('tool_execution_error'),
    }),
    http_error: struct('RealtimeMcphttpError', {
      code: t.number,
      message: t.string,
      type: t.literal('http_error'),
    }),
  },
  'RealtimeMcpToolCall.error',
);

const McpToolCall = struct(
  'RealtimeMcpToolCall',
  { id: t.string, arguments: t.string, name: t.string, server_label: t.string, type: t.literal('mcp_call') },
  {
    approval_request_id: nullable(t.string),
    error: nullable(McpToolCallError),
    output: nullable(t.string),
  },
);

const McpApprovalRequest = struct('RealtimeMcpApprovalRequest', {
  id: t.string,
  arguments: t.string,
  name: t.string,
  server_label: t.string,
  type: t.literal('mcp_approval_request'),
});

const Message = discriminated(
  'role',
  { system: SystemMessage, user: UserMessage, assistant: AssistantMessage },
  'message',
);

/**
 * One item of a GA Realtime conversation, as the wire carries it: a system, user or assistant message,
 * a function call or its output, or an MCP item (approval request and response, tool listing, tool
 * call). Discriminated by `type`, messages by `role`; extra fields are kept.
 *
 * @example
 * ```ts
 * const item: unknown = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] };
 * if (OpenAIConversationItemCodec.is(item)) console.log(item.type); // 'message'
 * ```
 */
export const OpenAIConversationItemCodec = discriminated(
  'type',
  {
    message: Message,
    function_call: FunctionCall,
    function_call_output: FunctionCallOutput,
    mcp_approval_response: McpApprovalResponse,
    mcp_list_tools: McpListTools,
    mcp_call: McpToolCall,
    mcp_approval_request: McpApprovalRequest,
  },
  'ConversationItem',
);

/**
 * A conversation item of the GA Realtime API (`ConversationItem` of the `openai` package): what
 * `conversation.item.create` sends and `conversation.item.added` / `.done`, `response.output_item.*`
 * and `response.done` carry.
 *
 * @example
 * ```ts
 * const call: OpenAIConversationItem = {
 *   type: 'function_call_output',
 *   call_id: 'call_1',
 *   output: JSON.stringify({ temperature: 21 }),
 * };
 * ```
 */
export type OpenAIConversationItem = t.TypeOf<typeof OpenAIConversationItemCodec>;
