import { Observable } from 'rxjs';
import { Multicast } from '../../src/operators/multicast';

/** An Observable over a Multicast, as `events$` is. */
function over<T>(broadcast: Multicast<T>): Observable<T> {
  return new Observable<T>((subscriber) => broadcast.add(subscriber));
}

describe('Multicast (the subscribers of events$, an input lane, a signal)', () => {
  it('hands each value to every subscriber in the order they came, then completes them all', () => {
    const broadcast = new Multicast<number>();
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
    const broadcast = new Multicast<number>();
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

describe('Multicast at its end', () => {
  it('completes a subscriber that comes after the end at once, and forgets its subscribers on clear()', () => {
    const multicast = new Multicast<number>();
    const seen: string[] = [];
    over(multicast).subscribe({ next: (v) => seen.push(`a${v}`), complete: () => seen.push('a done') });
    expect(multicast.observed).toBe(true);
    multicast.clear(); // forgotten, not completed
    multicast.next(1);
    expect(multicast.observed).toBe(false);
    over(multicast).subscribe({ next: (v) => seen.push(`b${v}`), complete: () => seen.push('b done') });
    multicast.complete();
    over(multicast).subscribe({ next: (v) => seen.push(`c${v}`), complete: () => seen.push('c done') });
    multicast.next(2);
    expect(seen).toEqual(['b done', 'c done']);
    expect(multicast.observed).toBe(false);
  });
});
