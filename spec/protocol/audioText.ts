import type { DialectSession } from '../../src/protocol/dialect';
import type { RealtimeAudioFrame } from '../../src/protocol/frame';

/** The text frame of one audio frame, as a dialect encodes it: `head + frame.data + tail`. */
export function audioText(session: Pick<DialectSession, 'audioEnvelope'>, frame: RealtimeAudioFrame): string {
  const [head, tail] = session.audioEnvelope(frame);
  return head + frame.data + tail;
}
