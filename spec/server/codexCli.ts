// What the Codex CLI (0.171.0, app-server, WebSocket transport) sends in each of its realtime protocol
// versions, byte for byte: the handshake's path and headers and every client frame. The codexCli*
// specs replay them with a raw client, so the server side can be checked fast without the binary
// (scripts/codex-rounds.mjs holds the same rounds with the binary itself).
import { rawClient, toBase64, type RawClient } from './rawClient';

export type CliVersion = 'v1' | 'v2' | 'v3';

const THREAD_ID = '01a24d31-7460-7df3-acdf-4579dd9195f5';
const SESSION_ID = '01a24d31-747c-72e1-b739-76e96b85ab54';

/** The handshake of each version: path (from a base URL without one) and the headers the CLI adds. */
export const HANDSHAKE: Record<CliVersion, { path: string; alpha?: string }> = {
  v1: { path: '/v1/realtime?intent=quicksilver&model=gpt-realtime-1.5', alpha: 'quicksilver=v1' },
  v2: { path: '/v1/realtime?model=gpt-realtime-1.5' },
  v3: { path: '/v1/live?model=gpt-live-1.1-codex', alpha: 'quicksilver=v2' },
};

/** The headers the CLI adds to the handshake (ws adds the WebSocket ones). */
export function cliHeaders(version: CliVersion): Record<string, string> {
  const { alpha } = HANDSHAKE[version];
  return {
    'user-agent': 'codex_peer_test/0.171.0 (Debian 12.0.0; x86_64) unknown (codex_peer_test; 1.0.0)',
    originator: 'codex_peer_test',
    'thread-id': THREAD_ID,
    'session-id': THREAD_ID,
    authorization: 'Bearer sk-test-local',
    ...(alpha === undefined ? {} : { 'openai-alpha': alpha }),
    'x-session-id': SESSION_ID,
  };
}

/** Connects a raw client as the CLI does (no subprotocol, no permessage-deflate). */
export function connectAsCli(baseUrl: string, version: CliVersion): Promise<RawClient> {
  return rawClient(`${baseUrl}${HANDSHAKE[version].path}`, undefined, cliHeaders(version));
}

const BACKGROUND_AGENT =
  "Send a user request to the background agent. Use this as the default action. Do not rephrase the user's ask or rewrite it in your own words; pass along the user's own words. If the background agent is idle, this starts a new task and returns the final result to the user. If the background agent is already working on a task, this sends the request as guidance to steer that previous task. If the user asks to do something next, later, after this, or once current work finishes, call this tool so the work is actually queued instead of merely promising to do it later.";
const REMAIN_SILENT =
  'Call this when the best response is to say nothing. Use it instead of speaking after hidden system/control messages, after background agent updates in silent modes, or whenever acknowledging aloud would be distracting. This tool has no user-visible effect.';

/** The first frame, sent right after the 101 without waiting. */
export function sessionFrame(version: CliVersion, prompt: string): Record<string, unknown> {
  switch (version) {
    case 'v1':
      return {
        type: 'session.update',
        session: {
          type: 'quicksilver',
          instructions: prompt,
          audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cove' } },
        },
      };
    case 'v2':
      return {
        type: 'session.update',
        session: {
          type: 'realtime',
          instructions: prompt,
          output_modalities: ['audio'],
          audio: {
            input: {
              format: { type: 'audio/pcm', rate: 24000 },
              noise_reduction: { type: 'near_field' },
              transcription: { model: 'gpt-4o-mini-transcribe' },
              turn_detection: {
                type: 'server_vad',
                interrupt_response: true,
                create_response: true,
                silence_duration_ms: 500,
              },
            },
            output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
          },
          tools: [
            {
              type: 'function',
              name: 'background_agent',
              description: BACKGROUND_AGENT,
              parameters: {
                type: 'object',
                properties: {
                  prompt: {
                    type: 'string',
                    description: 'The user request to delegate to the background agent.',
                  },
                },
                required: ['prompt'],
                additionalProperties: false,
              },
            },
            {
              type: 'function',
              name: 'remain_silent',
              description: REMAIN_SILENT,
              parameters: { type: 'object', properties: {}, additionalProperties: false },
            },
          ],
          tool_choice: 'auto',
        },
      };
    case 'v3':
      return {
        type: 'session.update',
        session: {
          instructions: prompt,
          audio: { output: { voice: 'marin' } },
          delegation: { type: 'client' },
        },
      };
  }
}

/** `thread/realtime/appendAudio`: only the base64 goes out. */
export function audioFrame(version: CliVersion, pcm: Int16Array): Record<string, unknown> {
  const audio = toBase64(pcm);
  return version === 'v3'
    ? { type: 'input_audio.append', audio }
    : { type: 'input_audio_buffer.append', audio };
}

/** `thread/realtime/appendText` with a role (v2 prefixes a user's text with `[USER] `; v3 drops the role). */
export function textFrames(
  version: CliVersion,
  role: 'user' | 'developer' | 'assistant',
  text: string,
): Array<Record<string, any>> {
  if (version === 'v3') return splitContext(text).map((piece) => contextFrame(piece));
  const partType = role === 'assistant' ? 'output_text' : 'input_text';
  const said = version === 'v2' && role === 'user' ? `[USER] ${text}` : text;
  return [
    {
      type: 'conversation.item.create',
      item: { type: 'message', role, content: [{ type: partType, text: said }] },
    },
  ];
}

/** `thread/realtime/appendSpeech`. */
export function speechFrames(version: CliVersion, text: string): Array<Record<string, unknown>> {
  switch (version) {
    case 'v1':
      return [{ type: 'conversation.handoff.append', handoff_id: 'codex', output_text: text }];
    case 'v2':
      return [
        {
          type: 'conversation.item.create',
          item: {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: `[BACKEND] ${text}` }],
          },
        },
        { type: 'response.create' },
      ];
    case 'v3':
      return splitContext(text).map((piece) => contextFrame(piece, 'speakable'));
  }
}

function contextFrame(text: string, channel?: string): Record<string, unknown> {
  return {
    type: 'session.context.append',
    ...(channel === undefined ? {} : { channel }),
    content: [{ type: 'input_text', text }],
  };
}

/** v3 cuts a text into pieces of at most 500 bytes, at character boundaries. */
export function splitContext(text: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of text) {
    if (Buffer.byteLength(piece + char) > 500) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  return [...pieces, piece];
}

export function sendAll(client: RawClient, frames: ReadonlyArray<Record<string, unknown>>): void {
  for (const frame of frames) client.send(frame);
}
