// Audio deltas through a conversation (TestScheduler): the GA type and its beta alias as audio.out, a bad
// one as invalid naming the field, and a response request held behind deltas still released by the end.
import { TestScheduler } from 'rxjs/testing';
import { connectConversation, type ConversationStats, type RealtimeEvent } from '../../src/index';
import { createTestSocket, server } from '../../src/testing';

const at = { response_id: 'resp_1', item_id: 'item_1' };

function run(script: string, texts: string, values: Record<string, string>) {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const events: RealtimeEvent[] = [];
  let sent: unknown[] = [];
  let stats: ConversationStats | undefined;
  scheduler.run(({ cold, hot }) => {
    const sockets = createTestSocket({
      server: cold(script, {
        o: server.open(),
        r: server.event('response.created', { response: { id: 'resp_1' } }),
        a: server.event('response.output_audio.delta', { ...at, delta: 'AAAAAA==' }),
        b: server.event('response.audio.delta', { ...at, delta: 'AAAAAAAA' }),
        x: server.event('response.output_audio.delta', { ...at, delta: 'AA*A' }),
        y: server.event('response.output_audio.delta', { ...at, item_id: 7 } as never),
        d: server.event('response.done', { response: { id: 'resp_1', status: 'completed' } }),
      }),
    });
    const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
    conversation.events$.subscribe((event) => events.push(event));
    conversation.stats$.subscribe((s) => (stats = s));
    hot(texts, values).subscribe(conversation.text);
    cold('----------x').subscribe(() => {
      sent = sockets.sockets[0].sent.slice(1).map((frame) => (frame.json as { type: string }).type);
      conversation.close();
    });
  });
  return { events, sent, stats: stats! };
}

describe('audio deltas through a conversation', () => {
  it('are audio.out, GA and beta alike; a bad one is invalid naming the field, and counted', () => {
    const { events, stats } = run('oabxy', '', {});
    expect(events.slice(0, 4)).toEqual([
      {
        type: 'audio.out',
        frame: {
          data: 'AAAAAA==',
          sampleRate: 24000,
          numChannels: 1,
          samplesPerChannel: 2,
          itemId: 'item_1',
        },
      },
      {
        type: 'audio.out',
        frame: {
          data: 'AAAAAAAA',
          sampleRate: 24000,
          numChannels: 1,
          samplesPerChannel: 3,
          itemId: 'item_1',
        },
      },
      {
        type: 'invalid',
        messageType: 'response.output_audio.delta',
        detail: 'delta: expected base64, got "AA*A"',
      },
      {
        type: 'invalid',
        messageType: 'response.output_audio.delta',
        detail: 'item_id: expected string, got 7',
      },
    ]);
    expect(stats.invalid).toBe(2);
  });

  it('a text given while a response streams audio asks for its response once that one is done', () => {
    const { sent } = run('or-aa-a-d', '---t', { t: 'hi' });
    expect(sent).toEqual(['conversation.item.create', 'response.create']);
    const held = run('or-aa-a--', '---t', { t: 'hi' });
    expect(held.sent).toEqual(['conversation.item.create']);
  });
});
