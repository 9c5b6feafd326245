/** Requests beyond audio and text, sent on the lossless control lane (same priority as text). */
export type RealtimeControl =
  | { type: 'response.create'; instructions?: string }
  | { type: 'response.cancel' }
  /** A tool's result; `respond` (default true): then ask for a response. */
  | { type: 'tool.output'; callId: string; output: string; respond?: boolean }
  /** Cut an output item's audio at what was actually played (barge-in). */
  | { type: 'item.truncate'; itemId: string; contentIndex?: number; audioEndMs: number }
  | { type: 'item.delete'; itemId: string };
