import { TestScheduler } from 'rxjs/testing';
import { connectConversation, type RealtimeAudioFrame, type RealtimeEvent } from '../../src/index';
import { createTestSocket, fixtures, playFixture, type TestSocketFactory } from '../../src/testing';

type ClientFrame = { type: string; audio?: string; item?: { content: { text: string }[] } };

describe('fixtures: recorded conversations replay to the recorded events', () => {
  for (const [name, fixture] of Object.entries(fixtures)) {
    it(name, () => {
      const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      const events: RealtimeEvent[] = [];
      let sockets!: TestSocketFactory;
      scheduler.run(() => {
        sockets = createTestSocket({ server: playFixture(fixture, scheduler) });
        const conversation = connectConversation({
          url: 'ws://test',
          dialect: fixture.dialect,
          prompt: 'You are a test.',
          webSocket: sockets,
          scheduler,
        });
        conversation.events$.subscribe((event) => {
          events.push(event);
          // The recording's client closed once it had everything but `closed`; so does the replay.
          if (fixture.end === undefined && events.length === fixture.events.length - 1) conversation.close();
        });
        // What the recording's client gave (texts and audio; its response.create came from the dialect).
        for (const frame of fixture.client.slice(1) as ClientFrame[]) {
          if (frame.type === 'conversation.item.create') conversation.text.next(frame.item!.content[0].text);
          if (frame.type === 'input_audio_buffer.append') {
            const audio: RealtimeAudioFrame = { data: frame.audio!, sampleRate: 24_000, numChannels: 1 };
            conversation.audio.next(audio);
          }
        }
      });
      expect(events).toEqual(fixture.events);
      expect(sockets.sockets[0].sent.map((frame) => frame.json)).toEqual(fixture.client);
    });
  }

  it('covers a text turn, an audio turn, a server error and a close 1006', () => {
    expect(fixtures.textTurn.events.filter((e) => e.type === 'transcript.done')).toEqual([
      {
        type: 'transcript.done',
        role: 'assistant',
        text: 'You said: "hello"',
        itemId: 'item_dev_1',
        responseId: 'resp_dev_1',
      },
    ]);
    expect(fixtures.textTurn.client.map((c) => (c as { type: string }).type)).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
    ]);
    expect(fixtures.audioTurn.events.filter((e) => e.type === 'audio.out')).toHaveLength(10);
    expect(fixtures.audioTurn.events.map((e) => e.type)).toContain('speech.started');
    expect(fixtures.serverError.events.slice(-2).map((e) => e.type)).toEqual(['error', 'closed']);
    expect(fixtures.dropped1006.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 1006,
    });
  });
});
