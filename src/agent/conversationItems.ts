import { Observable, type OperatorFunction } from 'rxjs';
import type { RealtimeEvent, RealtimeEventOf } from '../protocol/events.js';
import { frameMs, type RealtimeAudioFrame } from '../protocol/frame.js';

/**
 * One item of the conversation as a UI shows it: a message with its text or transcript so far, a
 * function call, or its output. Frozen: a change to an item is a new view, and the views of the items
 * that did not change are the same objects from one list to the next.
 *
 * @example
 * ```ts
 * const line = (item: ConversationItemView): string =>
 *   `${item.role}${item.status === 'incomplete' ? ' (cut)' : ''}: ${item.text}`;
 * ```
 *
 * @see {@link conversationItems}
 */
export interface ConversationItemView {
  /** The item's id, as the server gave it (`item_...`, or the id of an `item.create`). */
  readonly id: string;
  /** Who it is from: a message's role; `assistant` for a function call, `tool` for its output. */
  readonly role: 'user' | 'assistant' | 'system' | 'tool';
  /** What it is. */
  readonly kind: 'message' | 'function_call' | 'function_call_output';
  /**
   * A message's text or transcript so far (cut to what was heard when truncated); a function call's
   * `name(arguments)`; a function call output's output.
   */
  readonly text: string;
  /** `incomplete`: truncated, or its response was cancelled (or failed) before it was finished. */
  readonly status: 'in_progress' | 'completed' | 'incomplete';
}

type Status = ConversationItemView['status'];

/** What the operator keeps of an item besides its view. */
interface Entry {
  view: ConversationItemView;
  /** A function call's `call_id`: `tool.call` events without an item id are matched by it. */
  readonly callId: string | undefined;
  /** The response that produced it, when known. */
  responseId: string | undefined;
  /** Ms of its audio received so far (`audio.out` frames with its id). */
  receivedMs: number;
  /** Its final text is known (`transcript.done`, `tool.call`): a cancelled response leaves it as it is. */
  final: boolean;
  /** Cut by `item.truncated`: later text for it is not shown. */
  truncated: boolean;
}

const EMPTY: readonly ConversationItemView[] = Object.freeze([]);

/**
 * The conversation's items as they change, for a UI: each event that changes the list (an item added,
 * its transcript growing, a tool call's arguments, its output, a truncation, a deletion) emits a new
 * frozen array, ready for an Angular `async` pipe; an event that changes nothing emits nothing.
 *
 * <span class="informal">The history a chat UI shows, built from `events$` alone: the items that did
 * not change keep their object identity from one array to the next, so OnPush and `trackBy` re-render
 * only what changed.</span>
 *
 * ```
 * events: a-d-d-D-----t-x-|
 * result: a-b-c-e-----f-g-|
 * ```
 * `a` = `conversation.item.added` of an assistant message `i1` (`a` = `[{i1, '', in_progress}]`),
 * `d` = `transcript.delta`s `'Hello '` and `'world'` (`b`, `c`: the text grows), `D` =
 * `conversation.item.done` (`e`: `completed`), `t` = `item.truncated` at half the audio received for
 * `i1` (`f`: `'Hello'`, `incomplete`), `x` = `item.deleted` (`g` = `[]`).
 *
 * What each event does (events about an item that is not in the list change nothing):
 * - `conversation.item.added`: a `message` (role `user`, `assistant` or `system`), `function_call`
 *   (role `assistant`, text `name(arguments)`) or `function_call_output` (role `tool`, text its
 *   output) joins the list, with the item's status (`in_progress` when it has none) and the text of
 *   its content (text parts and transcripts, joined by a space). Other item types are left out. A user
 *   item announced by `input.committed` goes after its `previousItemId`; others go at the end. An item
 *   added again (same id) is updated in place, as is one that `item.retrieved` brings back (an item
 *   not in the list is not added by it); an item without an id gets a local one (`rx_item_1`, ...).
 * - `transcript.delta` appends to its item's text; `transcript.done` sets it (the user's transcript
 *   may come after its item is done). An event without an `itemId` goes to the latest `in_progress`
 *   message of its role.
 * - `tool.call` (the function call is done) sets `name(arguments)` and `completed`;
 *   `conversation.item.done` turns an `in_progress` item `completed`. A `tool.call` of an item not in
 *   the list (an out-of-band response's call) changes nothing.
 * - `item.truncated` (barge-in: the user heard the audio up to `audioEndMs`): the text is cut to what
 *   was heard, and the item is `incomplete`; later text for it is ignored. The rule: the transcript
 *   runs ahead of the audio at about the pace the audio arrives, so the share of the text kept is
 *   `audioEndMs` / the ms of the item's audio received so far (its `audio.out` frames, from their
 *   sample counts and rates), cut back to the end of the last whole word when there is a space before
 *   the cut. At `audioEndMs` 0 nothing is kept; when no audio of the item was seen (no `itemId` on the
 *   frames) or all of it was heard, the text is kept whole.
 * - `item.deleted` removes the item.
 * - `response.cancelled`, or `response.done` with status `cancelled`, `incomplete` or `failed`: the
 *   items of that response (the items added while it was active, or whose deltas named it) whose final
 *   text had not arrived become `incomplete`.
 * - `closed` changes nothing: the list stays as it was; the result completes when the events complete.
 *
 * State is per subscription. Errors of the events are forwarded; unsubscribing releases them. An
 * `audio.out` frame allocates nothing (its ms are added to its item's).
 *
 * @example
 * The list in an Angular template, one row per item
 * ```ts
 * import { startWith } from 'rxjs';
 * import { conversationItems, type ConversationItemView } from 'realtime-rx';
 *
 * const items$ = conversation.events$.pipe(conversationItems(), startWith([] as readonly ConversationItemView[]));
 * // <li *ngFor="let item of items$ | async; trackBy: byId">{{ item.role }}: {{ item.text }}</li>
 * const byId = (_: number, item: ConversationItemView): string => item.id;
 * ```
 *
 * @see {@link ConversationItemView}
 * @see {@link bargeIn}
 *
 * @return A function that returns an Observable of the list of items, a new frozen array per change.
 */
export function conversationItems(): OperatorFunction<RealtimeEvent, readonly ConversationItemView[]> {
  return (source) =>
    new Observable<readonly ConversationItemView[]>((subscriber) => {
      const items = new ItemList();
      const subscription = source.subscribe({
        next: (event) => {
          if (items.apply(event)) subscriber.next(items.list);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}

/** The list and what is known of its items; `apply` says whether an event changed the list. */
class ItemList {
  /** The latest list (frozen): replaced, never changed. */
  list: readonly ConversationItemView[] = EMPTY;
  private readonly entries = new Map<string, Entry>();
  /** User items announced by `input.committed`, not added yet: the item each goes after. */
  private readonly placements = new Map<string, string | null>();
  /** The response under way (between `response.created` and its end), if any. */
  private responding = false;
  private responseId: string | undefined;
  private localIds = 0;

  apply(event: RealtimeEvent): boolean {
    switch (event.type) {
      case 'audio.out':
        this.audio(event.frame);
        return false;
      case 'conversation.item.added':
        return this.added(event.item, true);
      case 'item.retrieved':
        return this.added(event.item, false);
      case 'conversation.item.done': {
        const entry = this.entries.get(event.itemId);
        return entry !== undefined && entry.view.status === 'in_progress' && this.set(entry, 'completed');
      }
      case 'transcript.delta':
        return this.delta(event);
      case 'transcript.done':
        return this.transcriptDone(event);
      case 'tool.call':
        return this.toolCall(event);
      case 'item.truncated':
        return this.truncated(event);
      case 'item.deleted':
        return this.deleted(event.itemId);
      case 'input.committed':
        if (event.itemId !== undefined && event.previousItemId !== undefined)
          this.placements.set(event.itemId, event.previousItemId);
        return false;
      case 'response.created':
        this.responding = true;
        this.responseId = event.responseId;
        return false;
      case 'response.done':
      case 'response.cancelled':
        return this.responseEnded(event);
      default:
        return false;
    }
  }

  private audio(frame: RealtimeAudioFrame): void {
    const id = frame.itemId;
    if (id === undefined) return;
    const entry = this.entries.get(id);
    if (entry === undefined || entry.truncated) return;
    const ms = frameMs(frame);
    // NaN and Infinity (a zero rate or no channels) add nothing.
    if (ms > 0 && ms < Infinity) entry.receivedMs += ms;
  }

  /** An item added (`isNew`), or retrieved: a known item is updated, a retrieved unknown one left out. */
  private added(raw: unknown, isNew: boolean): boolean {
    const item = parseItem(raw);
    if (item === undefined || (!isNew && item.id === undefined)) return false;
    const id = item.id ?? `rx_item_${++this.localIds}`;
    const known = this.entries.get(id);
    if (known !== undefined) {
      if (known.truncated) return false;
      return this.set(known, item.status, item.text === '' ? known.view.text : item.text);
    }
    if (!isNew) return false;
    const view = freezeView(id, item.role, item.kind, item.text, item.status);
    const fromResponse = this.responding && item.role === 'assistant';
    this.entries.set(id, {
      view,
      callId: item.callId,
      responseId: fromResponse ? this.responseId : undefined,
      receivedMs: 0,
      final: false,
      truncated: false,
    });
    const list = this.list.slice();
    list.splice(this.position(id), 0, view);
    this.list = Object.freeze(list);
    return true;
  }

  /** Where a new item goes: after the item `input.committed` named for it, else at the end. */
  private position(id: string): number {
    const previous = this.placements.get(id);
    if (previous === undefined) return this.list.length;
    this.placements.delete(id);
    if (previous === null) return 0;
    const after = this.entries.get(previous);
    const index = after === undefined ? -1 : this.list.indexOf(after.view);
    return index < 0 ? this.list.length : index + 1;
  }

  private delta(event: RealtimeEventOf<'transcript.delta'>): boolean {
    const entry = this.target(event.itemId, event.role);
    if (entry === undefined || entry.truncated) return false;
    if (event.responseId !== undefined) entry.responseId = event.responseId;
    return event.delta !== '' && this.set(entry, entry.view.status, entry.view.text + event.delta);
  }

  private transcriptDone(event: RealtimeEventOf<'transcript.done'>): boolean {
    const entry = this.target(event.itemId, event.role);
    if (entry === undefined || entry.truncated) return false;
    if (event.responseId !== undefined) entry.responseId = event.responseId;
    entry.final = true;
    return this.set(entry, entry.view.status, event.text);
  }

  private toolCall(event: RealtimeEventOf<'tool.call'>): boolean {
    let entry = event.itemId === undefined ? undefined : this.entries.get(event.itemId);
    if (entry === undefined) {
      for (const candidate of this.entries.values()) {
        if (candidate.callId === event.callId && candidate.view.kind === 'function_call') entry = candidate;
      }
    }
    if (entry === undefined || entry.truncated) return false;
    if (event.responseId !== undefined) entry.responseId = event.responseId;
    entry.final = true;
    const status = entry.view.status === 'incomplete' ? 'incomplete' : 'completed';
    return this.set(entry, status, `${event.name}(${event.arguments})`);
  }

  private truncated(event: RealtimeEventOf<'item.truncated'>): boolean {
    const entry = this.entries.get(event.itemId);
    if (entry === undefined) return false;
    entry.truncated = true;
    return this.set(entry, 'incomplete', heardText(entry.view.text, event.audioEndMs, entry.receivedMs));
  }

  private deleted(id: string): boolean {
    this.placements.delete(id);
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.list = Object.freeze(this.list.filter((view) => view !== entry.view));
    return true;
  }

  private responseEnded(event: RealtimeEventOf<'response.done' | 'response.cancelled'>): boolean {
    const id = event.responseId ?? this.responseId;
    this.responding = false;
    this.responseId = undefined;
    const cut =
      event.type === 'response.cancelled' || (event.status !== undefined && event.status !== 'completed');
    if (!cut) return false;
    let list: ConversationItemView[] | undefined;
    for (const entry of this.entries.values()) {
      if (entry.final || entry.view.status === 'incomplete') continue;
      if (id !== undefined ? entry.responseId !== id : entry.view.role !== 'assistant') continue;
      const index = this.list.indexOf(entry.view);
      entry.view = freezeView(entry.view.id, entry.view.role, entry.view.kind, entry.view.text, 'incomplete');
      (list ??= this.list.slice())[index] = entry.view;
    }
    if (list === undefined) return false;
    this.list = Object.freeze(list);
    return true;
  }

  /** The item an event names, else (no id) the latest `in_progress` message of `role`. */
  private target(itemId: string | undefined, role: 'user' | 'assistant'): Entry | undefined {
    if (itemId !== undefined) return this.entries.get(itemId);
    for (let i = this.list.length - 1; i >= 0; i--) {
      const view = this.list[i];
      if (view.role === role && view.kind === 'message' && view.status === 'in_progress')
        return this.entries.get(view.id);
    }
    return undefined;
  }

  /** Gives `entry` a new view when `status` or `text` differ: whether the list changed. */
  private set(entry: Entry, status: Status, text = entry.view.text): boolean {
    const old = entry.view;
    if (old.status === status && old.text === text) return false;
    entry.view = freezeView(old.id, old.role, old.kind, text, status);
    const list = this.list.slice();
    list[list.indexOf(old)] = entry.view;
    this.list = Object.freeze(list);
    return true;
  }
}

function freezeView(
  id: string,
  role: ConversationItemView['role'],
  kind: ConversationItemView['kind'],
  text: string,
  status: Status,
): ConversationItemView {
  return Object.freeze({ id, role, kind, text, status });
}

/** What the list shows of a raw item (GA or Codex JSON), or undefined for an item it leaves out. */
interface ParsedItem {
  readonly id: string | undefined;
  readonly role: ConversationItemView['role'];
  readonly kind: ConversationItemView['kind'];
  readonly text: string;
  readonly status: Status;
  readonly callId: string | undefined;
}

const ROLES: readonly string[] = ['user', 'assistant', 'system'];
const STATUSES: readonly string[] = ['in_progress', 'completed', 'incomplete'];

function parseItem(raw: unknown): ParsedItem | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const item = raw as Record<string, unknown>;
  const id = stringOr(item.id, undefined);
  const status = (STATUSES.includes(item.status as string) ? item.status : 'in_progress') as Status;
  const callId = stringOr(item.call_id, undefined);
  switch (item.type) {
    case 'message': {
      if (!ROLES.includes(item.role as string)) return undefined;
      const role = item.role as ParsedItem['role'];
      return { id, role, kind: 'message', text: contentText(item.content), status, callId };
    }
    case 'function_call': {
      const text = `${stringOr(item.name, '')}(${stringOr(item.arguments, '')})`;
      return { id, role: 'assistant', kind: 'function_call', text, status, callId };
    }
    case 'function_call_output':
      return {
        id,
        role: 'tool',
        kind: 'function_call_output',
        text: stringOr(item.output, ''),
        status,
        callId,
      };
    default:
      return undefined;
  }
}

/** The text of a message's content: its parts' `text` or `transcript`, joined by a space. */
function contentText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { text: own, transcript } = part as Record<string, unknown>;
    const piece = typeof own === 'string' ? own : typeof transcript === 'string' ? transcript : '';
    if (piece !== '') text = text === '' ? piece : `${text} ${piece}`;
  }
  return text;
}

function stringOr<T>(value: unknown, otherwise: T): string | T {
  return typeof value === 'string' ? value : otherwise;
}

/**
 * The part of `text` heard when its audio stopped at `heardMs` of `receivedMs`: the same share of the
 * text, cut back to the end of the last whole word when a space comes before the cut.
 */
function heardText(text: string, heardMs: number, receivedMs: number): string {
  if (!(heardMs > 0)) return '';
  if (!(receivedMs > 0) || heardMs >= receivedMs) return text;
  let end = Math.round((text.length * heardMs) / receivedMs);
  if (end >= text.length) return text;
  const before = text.charCodeAt(end - 1);
  if (before >= 0xd800 && before <= 0xdbff) end--; // never split a surrogate pair
  if (!isSpace(text, end) && !isSpace(text, end - 1)) {
    let space = end - 1;
    while (space >= 0 && !isSpace(text, space)) space--;
    if (space >= 0) end = space;
  }
  return text.slice(0, end).trimEnd();
}

function isSpace(text: string, index: number): boolean {
  return index >= 0 && index < text.length && /\s/.test(text[index]);
}
