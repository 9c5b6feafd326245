import { Observable } from 'rxjs';
import { Broadcast } from '../../src/conversation/broadcast';

/** An Observable over a Broadcast, as `events$` is. */
function over<T>(broadcast: Broadcast<T>): Observable<T> {
  return new Observable<T>((subscriber) => broadcast.add(subscriber));
}

describe('Broadcast (the subscribers of events$)', () => {
  it('hands each value to every subscriber in the order they came, then completes them all', () => {
    const broadcast = new Broadcast<number>();
    const seen: string[] = [];
    over(broadcast).subscribe({ next: (v) => seen.push(`a${v}`), complete: () => seen.push('a done') });
    over(broadcast).subscribe({ next: (v) => seen.push(`b${v}`), complete: () => seen.push('b done') });
    broadcast.next(1);
    broadcast.next(2);
    broadcast.complete();
    broadcast.next(3); // after the end: nobody is left
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2', 'a done', 'b done']);
  });

  it('a subscriber added while a value is handed over gets the next one; one that leaves stops at once', () => {
    const broadcast = new Broadcast<number>();
    const seen: string[] = [];
    let late = false;
    const first = over(broadcast).subscribe((v) => {
      seen.push(`first ${v}`);
      if (!late) {
        late = true;
        over(broadcast).subscribe((w) => seen.push(`late ${w}`));
        second.unsubscribe();
      }
    });
    const second = over(broadcast).subscribe((v) => seen.push(`second ${v}`));
    broadcast.next(1);
    broadcast.next(2);
    first.unsubscribe();
    broadcast.next(3);
    expect(seen).toEqual(['first 1', 'first 2', 'late 2', 'late 3']);
  });
});
