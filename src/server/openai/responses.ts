// One response's life on the wire: `response.created` to `response.done`, in the GA event sequence.
import type { ConnectionHost, Playback } from '../serverDialect.js';
import type { AudioCodec } from './audioFormat.js';
import type { Item } from './items.js';
import type { Modality } from './params.js';
import type { Reply } from './replies.js';
import {
  outputAudioTokens,
  textTokens,
  total,
  usageView,
  type InputTokens,
  type OutputTokens,
  type RateLimits,
} from './usage.js';
import type { Json } from './wire.js';

/** Pace of text and argument deltas. */
const DELTA_MS = 20;

export type ResponseStatus = 'completed' | 'cancelled' | 'incomplete' | 'failed';
export type CancelReason = 'turn_detected' | 'client_cancelled';

/** What the connection gives its responses. */
export interface ResponseHost {
  readonly host: ConnectionHost;
  readonly rateLimits: RateLimits;
  send(event: Json): void;
  /** Adds an output item to the end of the conversation and announces it (`conversation.item.added`). */
  addToConversation(item: Item): void;
  /** Announces that an output item is done (`conversation.item.done`), if it is still in the conversation. */
  itemDone(item: Item): void;
  nextItemId(): string;
  /** The response has sent `response.done`. */
  finished(response: ResponseRun): void;
}

/** Everything a response was asked for, settled before it starts. */
export interface ResponsePlan {
  id: string;
  /** `conversation: 'auto'`: its output joins the conversation. */
  inConversation: boolean;
  conversationId: string;
  reply: Reply;
  /** The reply was cut to `maxOutputTokens`: it ends `incomplete`. */
  cut: boolean;
  /** The modalities asked for (a reply shows the one it used). */
  modalities: readonly Modality[];
  maxOutputTokens: number | 'inf';
  metadata: Json | null;
  /** The output format and voice the response shows. */
  output: { codec: AudioCodec; voice: string };
  /** What it read. */
  input: InputTokens;
  /** The call id of a function call reply. */
  callId: string;
}

/**
 * One response, from `start()` to `response.done`: a message (spoken or written), a function call, or
 * nothing (a failed response). `cancel` and `clearAudio` end it early; it ends once.
 */
export class ResponseRun {
  private item: Item | undefined;
  /** Text or arguments sent so far. */
  private sent = '';
  private playback: Playback | undefined;
  private stopTimer: (() => void) | undefined;
  private over = false;

  constructor(
    private readonly to: ResponseHost,
    readonly plan: ResponsePlan,
  ) {}

  get id(): string {
    return this.plan.id;
  }

  /** Its spoken reply is still being sent. */
  get speaking(): boolean {
    return !this.over && this.playback !== undefined;
  }

  start(): void {
    const { id, reply } = this.plan;
    this.to.send({ type: 'response.created', response: this.view('in_progress', []) });
    this.to.send({
      type: 'rate_limits.updated',
      rate_limits: this.to.rateLimits.start(id, total(this.plan.input), this.plan.maxOutputTokens),
    });
    switch (reply.kind) {
      case 'failed':
        return this.finish('failed');
      case 'function_call':
        this.open({
          type: 'function_call',
          status: 'in_progress',
          name: reply.name,
          call_id: this.plan.callId,
          arguments: '',
        });
        return this.stream(reply.arguments, (delta) =>
          this.to.send({
            type: 'response.function_call_arguments.delta',
            ...this.itemIds(),
            call_id: this.plan.callId,
            delta,
          }),
        );
      case 'text':
        this.open({ type: 'message', status: 'in_progress', role: 'assistant', content: [] });
        this.to.send({
          type: 'response.content_part.added',
          ...this.partIds(),
          part: { type: 'text', text: '' },
        });
        return this.stream(reply.text, (delta) =>
          this.to.send({ type: 'response.output_text.delta', ...this.partIds(), delta }),
        );
      case 'audio':
        return this.speak(reply.speech, reply.transcript);
    }
  }

  cancel(reason: CancelReason): void {
    this.finish('cancelled', reason);
  }

  /** `output_audio_buffer.clear`: its audio stops (`output_audio_buffer.cleared`), and it ends cancelled. */
  clearAudio(): void {
    if (!this.speaking) return;
    this.playback!.cancel();
    this.to.send({ type: 'output_audio_buffer.cleared', response_id: this.id });
    this.finish('cancelled', 'client_cancelled');
  }

  private speak(speech: Float32Array, transcript: string): void {
    const item = this.open({ type: 'message', status: 'in_progress', role: 'assistant', content: [] });
    item.audioMs = 0;
    const ids = this.partIds();
    this.to.send({ type: 'response.content_part.added', ...ids, part: { type: 'audio', transcript: '' } });
    this.to.send({ type: 'response.output_audio_transcript.delta', ...ids, delta: transcript });
    const { host } = this.to;
    const codec = this.plan.output.codec;
    const playback = host.play(
      speech,
      (delta, samples) => {
        item.audioMs! += (samples / codec.sampleRate) * 1000;
        this.to.send({ type: 'response.output_audio.delta', ...ids, delta });
      },
      codec.encode,
      codec.sampleRate,
    );
    this.playback = playback;
    void playback.finished.then((how) => {
      if (how === 'completed') this.finish(this.plan.cut ? 'incomplete' : 'completed');
    });
  }

  /** Sends `text` as a couple of paced deltas, then finishes. */
  private stream(text: string, delta: (piece: string) => void): void {
    const pieces = split(text);
    let next = 0;
    const step = () => {
      const piece = pieces[next++];
      this.sent += piece;
      delta(piece);
      if (next < pieces.length) this.stopTimer = this.to.host.after(DELTA_MS, step);
      else this.finish(this.plan.cut ? 'incomplete' : 'completed');
    };
    step();
  }

  /** The output item: `response.output_item.added`, and in the conversation when the response is. */
  private open(fields: Json): Item {
    const id = this.to.nextItemId();
    const item: Item = { id, wire: { id, object: 'realtime.item', ...fields } };
    this.item = item;
    this.to.send({
      type: 'response.output_item.added',
      response_id: this.id,
      output_index: 0,
      item: item.wire,
    });
    if (this.plan.inConversation) this.to.addToConversation(item);
    return item;
  }

  /** The closing events, then `response.done`; only the first call does anything. */
  private finish(status: ResponseStatus, reason?: CancelReason): void {
    if (this.over) return;
    this.over = true;
    this.playback?.cancel();
    this.stopTimer?.();
    const output: OutputTokens = { text: 0, audio: 0 };
    const item = this.item;
    if (item !== undefined) {
      const wire = item.wire;
      if (wire.type === 'function_call') {
        wire.arguments = this.sent;
        output.text = textTokens(this.sent);
        this.to.send({
          type: 'response.function_call_arguments.done',
          ...this.itemIds(),
          call_id: this.plan.callId,
          name: wire.name,
          arguments: this.sent,
        });
      } else {
        const ids = this.partIds();
        let part: Json;
        if (item.audioMs !== undefined) {
          const transcript = (this.plan.reply as { transcript: string }).transcript;
          this.to.send({ type: 'response.output_audio.done', ...ids });
          this.to.send({ type: 'response.output_audio_transcript.done', ...ids, transcript });
          part = { type: 'audio', transcript };
          wire.content = [{ type: 'output_audio', transcript }];
          output.text = textTokens(transcript);
          output.audio = outputAudioTokens(item.audioMs);
        } else {
          this.to.send({ type: 'response.output_text.done', ...ids, text: this.sent });
          part = { type: 'text', text: this.sent };
          wire.content = [{ type: 'output_text', text: this.sent }];
          output.text = textTokens(this.sent);
        }
        this.to.send({ type: 'response.content_part.done', ...ids, part });
      }
      wire.status = status === 'completed' ? 'completed' : 'incomplete';
      this.to.send({ type: 'response.output_item.done', response_id: this.id, output_index: 0, item: wire });
      if (this.plan.inConversation) this.to.itemDone(item);
    }
    const usage = usageView(this.plan.input, output);
    this.to.rateLimits.settle(this.id, usage.total_tokens as number);
    this.to.send({
      type: 'response.done',
      response: this.view(status, item === undefined ? [] : [item.wire], this.details(status, reason), usage),
    });
    this.to.finished(this);
  }

  private details(status: ResponseStatus, reason: CancelReason | undefined): Json | undefined {
    switch (status) {
      case 'completed':
        return undefined;
      case 'cancelled':
        return { type: 'cancelled', reason };
      case 'incomplete':
        return { type: 'incomplete', reason: 'max_output_tokens' };
      case 'failed':
        return {
          type: 'failed',
          error: {
            type: 'server_error',
            code: 'scripted_failure',
            message: (this.plan.reply as { message: string }).message,
          },
        };
    }
  }

  /** The GA response object; `status_details` and `usage` only once there are some. */
  private view(status: string, output: Json[], details?: Json, usage?: Json): Json {
    const { plan } = this;
    const kind = plan.reply.kind;
    return {
      id: plan.id,
      object: 'realtime.response',
      status,
      ...(details === undefined ? {} : { status_details: details }),
      output,
      // An out-of-band response belongs to no conversation: the API says so with null.
      conversation_id: plan.inConversation ? plan.conversationId : null,
      output_modalities: kind === 'audio' || kind === 'text' ? [kind] : [...plan.modalities],
      max_output_tokens: plan.maxOutputTokens,
      audio: { output: { format: plan.output.codec.format, voice: plan.output.voice } },
      ...(usage === undefined ? {} : { usage }),
      metadata: plan.metadata,
    };
  }

  private itemIds(): Json {
    return { response_id: this.id, item_id: this.item!.id, output_index: 0 };
  }

  private partIds(): Json {
    return { ...this.itemIds(), content_index: 0 };
  }
}

/** A text in a couple of deltas, cut between words: their concatenation is the text. */
export function split(text: string): string[] {
  const words = text.match(/\s*\S+/g) ?? [text];
  const tail = text.slice(words.join('').length);
  if (words.length < 2) return [text];
  const half = Math.ceil(words.length / 2);
  return [words.slice(0, half).join(''), words.slice(half).join('') + tail];
}
