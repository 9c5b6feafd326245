import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { conversationItems, type ConversationItemView } from '../../src/agent/conversationItems';
import type { RealtimeEvent } from '../../src/protocol/events';

type View = ConversationItemView;

const RATE = 24_000;

/** `ms` of mono PCM16 audio of `itemId` at 24 kHz, by its sample count (the data is not read). */
function audio(itemId: string | undefined, ms: number): RealtimeEvent {
  return {
    type: 'audio.out',
    frame: { data: '', sampleRate: RATE, numChannels: 1, samplesPerChannel: (ms * RATE) / 1000, itemId },
  };
}

const assistantItem = (id: string, status = 'in_progress'): RealtimeEvent => ({
  type: 'conversation.item.added',
  item: { id, object: 'realtime.item', type: 'message', status, role: 'assistant', content: [] },
});
const userText = (id: string, text: string): RealtimeEvent => ({
  type: 'conversation.item.added',
  item: {
    id,
    object: 'realtime.item',
    type: 'message',
    status: 'completed',
    role: 'user',
    content: [{ type: 'input_text', text }],
  },
});
const delta = (itemId: string, text: string, responseId = 'resp_1'): RealtimeEvent => ({
  type: 'transcript.delta',
  role: 'assistant',
  delta: text,
  itemId,
  responseId,
});
const transcriptDone = (itemId: string, text: string): RealtimeEvent => ({
  type: 'transcript.done',
  role: 'assistant',
  text,
  itemId,
  responseId: 'resp_1',
});
const itemDone = (itemId: string): RealtimeEvent => ({ type: 'conversation.item.done', itemId });
const truncated = (itemId: string, audioEndMs: number): RealtimeEvent => ({
  type: 'item.truncated',
  itemId,
  contentIndex: 0,
  audioEndMs,
});
const deleted = (itemId: string): RealtimeEvent => ({ type: 'item.deleted', itemId });
const created: RealtimeEvent = { type: 'response.created', responseId: 'resp_1' };
const cancelled: RealtimeEvent = { type: 'response.cancelled', responseId: 'resp_1', status: 'cancelled' };

const view = (
  id: string,
  text: string,
  status: View['status'] = 'in_progress',
  role: View['role'] = 'assistant',
  kind: View['kind'] = 'message',
): View => ({ id, role, kind, text, status });

/** Every list the operator emits for `events`, given synchronously. */
function lists(events: RealtimeEvent[]): (readonly View[])[] {
  const out: (readonly View[])[] = [];
  const source = new Subject<RealtimeEvent>();
  source.pipe(conversationItems()).subscribe((list) => out.push(list));
  for (const event of events) source.next(event);
  return out;
}

/** The last list the operator emits for `events`. */
const last = (events: RealtimeEvent[]): readonly View[] => lists(events).at(-1) ?? [];

describe('conversationItems', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('follows an assistant message through added → deltas → done → truncated → deleted', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events = cold('a-r-p-d-e-D-t-x-|', {
        a: assistantItem('i1'),
        r: created,
        p: audio('i1', 1000),
        d: delta('i1', 'Hello '),
        e: delta('i1', 'world, how are you'),
        D: itemDone('i1'),
        t: truncated('i1', 500),
        x: deleted('i1'),
      });
      expectObservable(events.pipe(conversationItems())).toBe('a-----b-c-d-e-f-|', {
        a: [view('i1', '')],
        b: [view('i1', 'Hello ')],
        c: [view('i1', 'Hello world, how are you')],
        d: [view('i1', 'Hello world, how are you', 'completed')],
        // 500 of 1000 ms heard: the first 12 of 24 characters, a whole word
        e: [view('i1', 'Hello world,', 'incomplete')],
        f: [],
      });
    });
  });

  it('emits nothing for events that change nothing, and completes with its source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events = cold<RealtimeEvent>('s-p-c-D-x-|', {
        s: { type: 'speech.started', itemId: 'u1' },
        p: audio('i9', 100),
        c: { type: 'closed', reason: 'requested', code: 1000 },
        D: itemDone('unknown'),
        x: deleted('unknown'),
      });
      expectObservable(events.pipe(conversationItems())).toBe('----------|');
    });
  });

  it('keeps the list when the conversation closes, and forwards an error', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events = cold<RealtimeEvent>('a-c-#', {
        a: userText('t1', 'hi'),
        c: { type: 'closed', reason: 'transport_closed', code: 1006 },
      });
      expectObservable(events.pipe(conversationItems())).toBe('a---#', {
        a: [view('t1', 'hi', 'completed', 'user')],
      });
    });
  });

  it('emits a new frozen array per change; items that did not change keep their identity', () => {
    const out = lists([userText('t1', 'hi'), assistantItem('i1'), delta('i1', 'Hel'), delta('i1', 'lo')]);
    expect(out).toHaveLength(4);
    for (const list of out) {
      expect(Object.isFrozen(list)).toBe(true);
      for (const item of list) expect(Object.isFrozen(item)).toBe(true);
    }
    expect(new Set(out).size).toBe(4);
    // the user's item is the same object in every list; the assistant's is new at each delta
    expect(out[1][0]).toBe(out[0][0]);
    expect(out[3][0]).toBe(out[0][0]);
    expect(out[3][1]).not.toBe(out[2][1]);
    expect(out[3]).toEqual([view('t1', 'hi', 'completed', 'user'), view('i1', 'Hello')]);
    // an earlier list is never changed by a later event
    expect(out[2]).toEqual([view('t1', 'hi', 'completed', 'user'), view('i1', 'Hel')]);
  });

  it('fills in the user transcript as it is transcribed, also after the item is done', () => {
    const events: RealtimeEvent[] = [
      { type: 'speech.started', itemId: 'u1' },
      { type: 'input.committed', itemId: 'u1', previousItemId: null },
      {
        type: 'conversation.item.added',
        item: {
          id: 'u1',
          type: 'message',
          status: 'completed',
          role: 'user',
          content: [{ type: 'input_audio', transcript: null }],
        },
      },
      itemDone('u1'),
      { type: 'transcript.delta', role: 'user', delta: 'What is ', itemId: 'u1' },
      { type: 'transcript.delta', role: 'user', delta: 'the weather', itemId: 'u1' },
      { type: 'transcript.done', role: 'user', text: 'What is the weather?', itemId: 'u1' },
    ];
    expect(lists(events)).toEqual([
      [view('u1', '', 'completed', 'user')],
      [view('u1', 'What is ', 'completed', 'user')],
      [view('u1', 'What is the weather', 'completed', 'user')],
      [view('u1', 'What is the weather?', 'completed', 'user')],
    ]);
  });

  it('places a committed user item after the item input.committed names', () => {
    const list = last([
      userText('t1', 'first'),
      assistantItem('i1', 'completed'),
      userText('t2', 'third'),
      // the server committed u1 after i1, and its item is added after t2 arrived
      { type: 'input.committed', itemId: 'u1', previousItemId: 'i1' },
      userText('u1', 'spoken'),
    ]);
    expect(list.map((item) => item.id)).toEqual(['t1', 'i1', 'u1', 't2']);
  });

  it('shows a tool call as name(arguments), its output with role tool', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events = cold<RealtimeEvent>('r-a-c-o-|', {
        r: created,
        a: {
          type: 'conversation.item.added',
          item: {
            id: 'fc1',
            type: 'function_call',
            status: 'in_progress',
            call_id: 'call_1',
            name: 'get_weather',
            arguments: '',
          },
        },
        c: {
          type: 'tool.call',
          callId: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          itemId: 'fc1',
          responseId: 'resp_1',
        },
        o: {
          type: 'conversation.item.added',
          item: {
            id: 'out1',
            type: 'function_call_output',
            status: 'completed',
            call_id: 'call_1',
            output: '{"temperature":21}',
          },
        },
      });
      const call = (text: string, status: View['status']) =>
        view('fc1', text, status, 'assistant', 'function_call');
      const output = view('out1', '{"temperature":21}', 'completed', 'tool', 'function_call_output');
      expectObservable(events.pipe(conversationItems())).toBe('--a-b-c-|', {
        a: [call('get_weather()', 'in_progress')],
        b: [call('get_weather({"city":"Paris"})', 'completed')],
        c: [call('get_weather({"city":"Paris"})', 'completed'), output],
      });
    });
  });

  it('matches a tool.call without an item id by its call id; ignores a call not in the list', () => {
    const added: RealtimeEvent = {
      type: 'conversation.item.added',
      item: { id: 'fc1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' },
    };
    const call = (callId: string): RealtimeEvent => ({
      type: 'tool.call',
      callId,
      name: 'f',
      arguments: '{}',
    });
    expect(lists([added, call('call_1'), call('call_out_of_band')])).toEqual([
      [view('fc1', 'f()', 'in_progress', 'assistant', 'function_call')],
      [view('fc1', 'f({})', 'completed', 'assistant', 'function_call')],
    ]);
  });

  describe('truncation', () => {
    const text = 'Hello world, how are you';
    const cut = (audioEndMs: number, events: RealtimeEvent[] = [audio('i1', 600), audio('i1', 400)]) =>
      last([assistantItem('i1'), ...events, delta('i1', text), truncated('i1', audioEndMs)])[0];

    it('keeps the share of the text heard, back to the end of the last whole word', () => {
      expect(cut(300)).toEqual(view('i1', 'Hello', 'incomplete')); // 7.2 of 24 characters: 'Hello w'
      expect(cut(500)).toEqual(view('i1', 'Hello world,', 'incomplete'));
      expect(cut(750)).toEqual(view('i1', 'Hello world, how', 'incomplete')); // 18: '…how ar'
      expect(cut(850)).toEqual(view('i1', 'Hello world, how are', 'incomplete')); // 20.4: '…how are'
    });

    it('keeps nothing at 0 ms, everything when all of it was heard', () => {
      expect(cut(0)).toEqual(view('i1', '', 'incomplete'));
      expect(cut(1000)).toEqual(view('i1', text, 'incomplete'));
      expect(cut(5000)).toEqual(view('i1', text, 'incomplete'));
    });

    it('keeps the text whole when no audio of the item was seen', () => {
      expect(cut(300, [audio(undefined, 1000), audio('other', 1000)])).toEqual(
        view('i1', text, 'incomplete'),
      );
    });

    it('cuts a text without spaces where the share ends', () => {
      const list = last([
        assistantItem('i1'),
        audio('i1', 1000),
        delta('i1', 'こんにちは世界'),
        truncated('i1', 500),
      ]);
      expect(list[0].text).toBe('こんにち');
    });

    it('never splits a surrogate pair', () => {
      const list = last([
        assistantItem('i1'),
        audio('i1', 1000),
        delta('i1', 'ab😀cd'),
        truncated('i1', 500),
      ]);
      expect(list[0].text).toBe('ab'); // 3 of 6 code units would end inside the emoji
    });

    it('ignores later text and audio of the truncated item; its done leaves it incomplete', () => {
      const out = lists([
        assistantItem('i1'),
        audio('i1', 1000),
        delta('i1', text),
        truncated('i1', 500),
        audio('i1', 1000),
        delta('i1', ' today?'),
        transcriptDone('i1', `${text} today?`),
        itemDone('i1'),
      ]);
      expect(out.at(-1)).toEqual([view('i1', 'Hello world,', 'incomplete')]);
      expect(out).toHaveLength(3);
    });
  });

  describe('a cancelled response', () => {
    it('leaves the items it had not finished incomplete, and the finished ones as they are', () => {
      const list = last([
        userText('t1', 'hi'),
        created,
        assistantItem('i1'),
        delta('i1', 'One.'),
        transcriptDone('i1', 'One.'),
        itemDone('i1'),
        assistantItem('i2'),
        delta('i2', 'Two and'),
        cancelled,
      ]);
      expect(list).toEqual([
        view('t1', 'hi', 'completed', 'user'),
        view('i1', 'One.', 'completed'),
        view('i2', 'Two and', 'incomplete'),
      ]);
    });

    it('turns an unfinished item incomplete even when its item.done came first', () => {
      const list = last([created, assistantItem('i1'), delta('i1', 'Two and'), itemDone('i1'), cancelled]);
      expect(list).toEqual([view('i1', 'Two and', 'incomplete')]);
    });

    it('leaves the items of other responses alone', () => {
      const out = lists([
        created,
        assistantItem('i1'),
        delta('i1', 'mine'),
        { type: 'response.cancelled', responseId: 'resp_other' },
        { type: 'response.done', responseId: 'resp_1', status: 'completed' },
      ]);
      expect(out).toHaveLength(2);
      expect(out.at(-1)).toEqual([view('i1', 'mine')]);
    });

    it('a failed or incomplete response.done ends its unfinished items too', () => {
      const list = last([
        created,
        assistantItem('i1'),
        { type: 'response.done', responseId: 'resp_1', status: 'incomplete' },
      ]);
      expect(list).toEqual([view('i1', '', 'incomplete')]);
    });
  });

  it('leaves other item types out, gives items without an id a local one, updates an item added twice', () => {
    const list = last([
      { type: 'conversation.item.added', item: { id: 'm1', type: 'mcp_call', name: 'x' } },
      { type: 'conversation.item.added', item: 'not an object' },
      { type: 'conversation.item.added', item: { type: 'message', role: 'developer', content: [] } },
      // the Codex dialect's items carry no id
      {
        type: 'conversation.item.added',
        item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
      },
      assistantItem('i1'),
      {
        type: 'conversation.item.added',
        item: {
          id: 'i1',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'done' }],
        },
      },
    ]);
    expect(list).toEqual([view('rx_item_1', 'hi'), view('i1', 'done', 'completed')]);
  });

  it('updates a known item that item.retrieved brings back, and adds none', () => {
    const retrieved = (id: string, text: string): RealtimeEvent => ({
      type: 'item.retrieved',
      item: {
        id,
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_audio', transcript: text }],
      },
    });
    expect(
      lists([assistantItem('i1'), retrieved('i1', 'the whole answer'), retrieved('i2', 'not here')]),
    ).toEqual([[view('i1', '')], [view('i1', 'the whole answer', 'completed')]]);
  });

  it('gives a delta without an item id to the latest in-progress message of its role', () => {
    const list = last([
      assistantItem('i1', 'completed'),
      assistantItem('i2'),
      { type: 'transcript.delta', role: 'assistant', delta: 'to i2' },
      { type: 'transcript.delta', role: 'user', delta: 'nowhere' },
    ]);
    expect(list).toEqual([view('i1', '', 'completed'), view('i2', 'to i2')]);
  });

  it('keeps its state per subscription', () => {
    const source = new Subject<RealtimeEvent>();
    const items = source.pipe(conversationItems());
    const first: (readonly View[])[] = [];
    const second: (readonly View[])[] = [];
    items.subscribe((list) => first.push(list));
    source.next(userText('t1', 'a'));
    items.subscribe((list) => second.push(list));
    source.next(userText('t2', 'b'));
    expect(first.at(-1)?.map((item) => item.id)).toEqual(['t1', 't2']);
    expect(second).toEqual([[view('t2', 'b', 'completed', 'user')]]);
  });
});
