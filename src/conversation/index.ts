export { connectConversation } from './connectConversation.js';
export { realtimeSession, type RealtimeOp, type SessionEvent } from './realtimeSession.js';
export type {
  Conversation,
  ConversationOptions,
  ConversationState,
  ConversationStats,
  ServerEvent,
  ServerEventOf,
} from './types.js';
