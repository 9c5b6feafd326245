import { AsyncPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  inject,
  InjectionToken,
  signal,
} from '@angular/core';
import type { Observable, Observer } from 'rxjs';
import {
  createAudioPlayer,
  fromMicrophone,
  toAudioFrames,
  type RealtimeAudioFrame,
  type RealtimeClosed,
} from 'realtime-rx';
import { RealtimeConversationService } from './realtime-conversation.service';

/** Where the component's sound comes from and goes to. */
export interface AudioDevices {
  /** The microphone as 24 kHz mono 20 ms frames; cold: subscribing asks for the microphone. */
  microphone(): Observable<RealtimeAudioFrame>;
  /** A player for the answer; called in the Talk click handler, so its AudioContext may start. */
  player(): Partial<Observer<RealtimeAudioFrame>> & { close(): unknown };
}

/** The browser's microphone and loudspeaker, through realtime-rx's AudioWorklet capture and player. */
export const AUDIO_DEVICES = new InjectionToken<AudioDevices>('AUDIO_DEVICES', {
  providedIn: 'root',
  factory: () => ({
    microphone: () =>
      fromMicrophone({ sampleRate: 24_000 }).pipe(
        toAudioFrames({ sampleRate: 24_000, numChannels: 1, frameMs: 20 }),
      ),
    player: () => createAudioPlayer(),
  }),
});

/** Talk / Stop, a text box, the live transcript, the conversation's items and why it closed. */
@Component({
  selector: 'app-conversation',
  imports: [AsyncPipe],
  // One conversation per component: it is closed (microphone off, socket closed) when the component goes.
  providers: [RealtimeConversationService],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="controls">
      <button type="button" class="talk" (click)="talk()" [disabled]="conversation.running()">Talk</button>
      <button type="button" class="stop" (click)="stop()" [disabled]="!conversation.running()">Stop</button>
      <span class="status">{{ conversation.status() }}</span>
      <span class="events">{{ conversation.eventCount() }} events</span>
    </section>

    <form class="say" (submit)="say(text); $event.preventDefault()">
      <input #text placeholder="or type a message" [disabled]="!conversation.running()" />
      <button type="submit" [disabled]="!conversation.running()">Send</button>
    </form>

    <ol class="transcript">
      @for (line of conversation.transcript(); track $index) {
        <li [class]="line.role" [class.partial]="!line.done">
          <b>{{ line.role }}:</b> {{ line.text }}
        </li>
      }
    </ol>

    <h2>Items</h2>
    <ol class="items">
      @for (item of conversation.items$ | async; track item.id) {
        <li [class]="item.role + ' ' + item.status">
          <b>{{ item.role }} {{ item.kind }}:</b> {{ item.text }}
        </li>
      }
    </ol>

    @if (conversation.problem(); as problem) {
      <p class="problem">{{ problem }}</p>
    }
    @if (playbackProblem(); as problem) {
      <p class="problem">no playback: {{ problem }}</p>
    }
    @if (conversation.closeReason(); as closed) {
      <p class="closed">closed: {{ describe(closed) }}</p>
    }
  `,
  styles: `
    :host {
      display: block;
      font-family: system-ui, sans-serif;
      max-width: 40rem;
    }
    .controls,
    .say {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-block: 0.5rem;
    }
    .say input {
      flex: 1;
    }
    .partial,
    .in_progress {
      opacity: 0.6;
    }
    .incomplete::after {
      content: ' …'; /* cut where the user talked over it */
    }
    h2 {
      font-size: 1rem;
    }
    .tool {
      font-family: monospace;
    }
    .assistant b {
      color: #2f6f3e;
    }
    .problem {
      color: #a12;
    }
  `,
})
export class ConversationComponent {
  protected readonly conversation = inject(RealtimeConversationService);
  private readonly devices = inject(AUDIO_DEVICES);
  private player: ReturnType<AudioDevices['player']> | undefined;
  protected readonly playbackProblem = signal<string | undefined>(undefined);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.releasePlayer());
  }

  protected talk(): void {
    this.releasePlayer();
    this.playbackProblem.set(undefined);
    try {
      this.player = this.devices.player(); // here, in the click handler: browsers let the audio start
    } catch (error) {
      // No Web Audio: the conversation still runs, with its transcript.
      this.playbackProblem.set(error instanceof Error ? error.message : String(error));
    }
    this.conversation.start({ audio: this.devices.microphone(), playback: this.player });
  }

  protected stop(): void {
    this.conversation.stop();
    this.releasePlayer(); // silence now, not after what is queued
  }

  protected say(input: HTMLInputElement): void {
    const text = input.value.trim();
    if (text === '' || !this.conversation.running()) return;
    this.conversation.say(text);
    input.value = '';
  }

  protected describe(closed: RealtimeClosed): string {
    const code = closed.code === undefined ? '' : ` (${closed.code})`;
    const detail = closed.detail === undefined ? '' : `: ${closed.detail}`;
    return `${closed.reason}${code}${detail}`;
  }

  private releasePlayer(): void {
    void this.player?.close();
    this.player = undefined;
  }
}
