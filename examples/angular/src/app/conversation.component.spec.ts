import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { TestScheduler } from 'rxjs/testing';
import type { RealtimeAudioFrame } from 'realtime-rx';
import { createTestSocket, server } from 'realtime-rx/testing';
import { AUDIO_DEVICES, ConversationComponent, type AudioDevices } from './conversation.component';
import { provideRealtimeConversation } from './realtime-conversation.service';

const frame: RealtimeAudioFrame = { data: 'AAA=', sampleRate: 24_000, numChannels: 1 }; // one silent sample

describe('ConversationComponent', () => {
  it('talks, shows the live transcript and why the conversation closed', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const sockets = createTestSocket({ scheduler });
    const player = { played: [] as RealtimeAudioFrame[], closed: 0 };
    let fixture!: ComponentFixture<ConversationComponent>;
    const text = (selector: string): string[] =>
      [...(fixture.nativeElement as HTMLElement).querySelectorAll(selector)].map((e) =>
        (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
      );
    const button = (selector: string) =>
      (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>(selector)!;
    const seen: unknown[] = [];

    scheduler.run(({ hot, cold }) => {
      hot('-o-a-b-c', {
        o: server.open(),
        a: server.event('response.output_audio_transcript.delta', { delta: 'Hi' }),
        b: server.event('response.output_audio.delta', { delta: frame.data }),
        c: server.event('response.output_audio_transcript.done', { transcript: 'Hi there.' }),
      }).subscribe((action) => sockets.sockets[0]!.act(action));
      const devices: AudioDevices = {
        microphone: () => cold('a', { a: frame }),
        player: () => ({
          next: (f: RealtimeAudioFrame) => player.played.push(f),
          close: () => player.closed++,
        }),
      };
      TestBed.configureTestingModule({
        imports: [ConversationComponent],
        providers: [
          provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler }),
          { provide: AUDIO_DEVICES, useValue: devices },
        ],
      });
      fixture = TestBed.createComponent(ConversationComponent);
      fixture.detectChanges();
      expect(button('button.stop').disabled).toBe(true);
      button('button.talk').click();

      // The user types at 2 ms; the page is read while the answer streams in; Stop at 11 ms.
      cold('--t-x-y-z 2ms s').subscribe((moment) => {
        if (moment === 's') return button('button.stop').click();
        fixture.detectChanges();
        if (moment === 't') {
          (fixture.nativeElement as HTMLElement).querySelector('input')!.value = 'hey';
          return button('.say button').click();
        }
        seen.push([text('.status')[0], text('.transcript li'), button('button.talk').disabled]);
      });
    });

    expect(seen).toEqual([
      ['open', ['user: hey', 'assistant: Hi'], true],
      ['open', ['user: hey', 'assistant: Hi'], true],
      ['open', ['user: hey', 'assistant: Hi there.'], true],
    ]);
    fixture.detectChanges();
    expect(text('.closed')).toEqual(['closed: requested (1000)']);
    expect(text('.status')).toEqual(['closed']);
    expect(button('button.talk').disabled).toBe(false);
    expect(player.played).toHaveLength(1);
    expect(player.closed).toBe(1); // Stop silences the player at once
    expect(sockets.sockets[0]!.sent.map((f) => [f.time, (f.json as { type: string }).type])).toEqual([
      [1, 'session.update'],
      [1, 'input_audio_buffer.append'],
      [2, 'conversation.item.create'],
      [2, 'response.create'],
    ]);
    expect((fixture.nativeElement as HTMLElement).querySelector('input')!.value).toBe(''); // sent: cleared
  });

  it('ends the conversation, the microphone and the playback when the component is destroyed', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const sockets = createTestSocket({ scheduler });
    let playersClosed = 0;

    scheduler.run(({ hot, cold, expectSubscriptions }) => {
      hot('-o', { o: server.open() }).subscribe((action) => sockets.sockets[0]!.act(action));
      const microphone = cold('a-a-a-a-a', { a: frame });
      TestBed.configureTestingModule({
        imports: [ConversationComponent],
        providers: [
          provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler }),
          {
            provide: AUDIO_DEVICES,
            useValue: { microphone: () => microphone, player: () => ({ close: () => playersClosed++ }) },
          },
        ],
      });
      const fixture = TestBed.createComponent(ConversationComponent);
      fixture.detectChanges();
      (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button.talk')!.click();
      cold('---d').subscribe(() => fixture.destroy());
      expectSubscriptions(microphone.subscriptions).toBe('^--!');
    });

    expect(sockets.sockets[0]!.clientClose).toMatchObject({ time: 3, code: 1000 });
    expect(playersClosed).toBe(1);
  });
});
