/**
 * realtime-rx: a realtime voice + text AI conversation as RxJS observables.
 * @packageDocumentation
 */
export * from './conversation/index.js';
export * from './protocol/index.js';
// Types-only: they appear in the public `Dialect.prepare` signature.
export type {
  AudioEnvelope,
  DialectPlan,
  DialectSession,
  EncodedControl,
  ServerEventSink,
} from './protocol/dialect.js';
export { dropNewest, type DropNewestConfig } from './operators/dropNewest.js';
export { priorityMerge, type PriorityMergeConfig } from './operators/priorityMerge.js';
export { bargeIn, type BargeInOptions } from './operators/bargeIn.js';
export type { WebSocketFactory, WebSocketLike } from './transport/webSocketLike.js';
export { nodeWebSocketFactory, type NodeWebSocketOptions } from './transport/nodeWebSocket.js';
export { browserWebSocketFactory } from './transport/browserWebSocket.js';
export { defaultWebSocketFactory } from './transport/platformWebSocket.js';
// Types-only: it appears in ConversationOptions.congestion and WebSocketSubjectConfig.congestion.
export type { CongestionConfig } from './transport/backlogProbe.js';
export {
  WebSocketSubject,
  type WebSocketSubjectConfig,
  type TransportEvent,
  type TransportOpen,
  type TransportBinary,
  type TransportClose,
} from './transport/webSocketSubject.js';
export * from './audio/index.js';
export { defineTool, type RealtimeTool } from './agent/defineTool.js';
export { toolDefinitions } from './agent/toolDefinitions.js';
export { runTools } from './agent/runTools.js';
export { conversationItems, type ConversationItemView } from './agent/conversationItems.js';
export {
  createClientSecret,
  type ClientSecret,
  type ClientSecretOptions,
} from './agent/createClientSecret.js';
export { ClientSecretError } from './agent/clientSecretError.js';
