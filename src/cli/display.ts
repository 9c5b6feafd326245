import type { DialectName } from '../protocol/dialect.js';
import type { RealtimeEvent } from '../protocol/events.js';
import { oneLine } from './outcome.js';

/** Where the display writes: a terminal, or a pipe/file (then it prints sparingly). */
export interface DisplayStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

/**
 * `talk`'s live view: one line per event kind with its count, and a progress bar of the input sent.
 * On a terminal it redraws in place (at most every 100 ms); elsewhere (CI logs) it prints a line the
 * first time each event kind is seen and at each quarter of the input.
 */
export class LiveDisplay {
  private counts: Record<string, number> = {};
  private sent = 0;
  private drawnLines = 0;
  private lastDraw = 0;
  private pending: NodeJS.Timeout | undefined;
  private readonly seen = new Set<string>();
  private lastQuarter = 0;

  constructor(
    private readonly out: DisplayStream,
    private readonly total: number,
    /** Where problems go (the error stream); the block is drawn on `out` alone. */
    private readonly err: DisplayStream = out,
  ) {}

  events(counts: Record<string, number>): void {
    this.counts = counts;
    if (this.out.isTTY) return this.redrawSoon();
    for (const type of Object.keys(counts)) {
      if (this.seen.has(type)) continue;
      this.seen.add(type);
      this.out.write(`[talk] first ${type}\n`);
    }
  }

  progress(sent: number): void {
    this.sent = sent;
    if (this.out.isTTY) return this.redrawSoon();
    const quarter = this.total === 0 ? 4 : Math.floor((4 * sent) / this.total);
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.out.write(`[talk] ${this.bar()}\n`);
    }
  }

  /** Prints a line above the live block (e.g. the embedded server's log), keeping the block intact. */
  log(line: string, to: DisplayStream = this.out): void {
    if (!this.out.isTTY || this.drawnLines === 0) {
      to.write(`${line}\n`);
      return;
    }
    // Erase the block, print, draw it again below: on a terminal both streams share the screen.
    this.out.write(`\x1b[${this.drawnLines}A\x1b[J`);
    to.write(`${line}\n`);
    this.drawnLines = 0;
    this.draw();
  }

  /** Prints a problem on the error stream, above the live block. */
  warn(line: string): void {
    this.log(line, this.err);
  }

  finish(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    if (this.out.isTTY) this.draw();
  }

  private redrawSoon(): void {
    if (this.pending !== undefined) return;
    const wait = Math.max(0, this.lastDraw + REDRAW_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, wait);
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const lines = [
      `input ${this.bar()}`,
      ...Object.entries(this.counts).map(([type, count]) => `  ${type.padEnd(26)} ${count}`),
    ];
    // Move up over the previous drawing, then rewrite each line in full.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(up + lines.map((line) => `\x1b[2K${line}\n`).join(''));
    this.drawnLines = lines.length;
  }

  private bar(): string {
    const fraction = this.total === 0 ? 1 : Math.min(1, this.sent / this.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.round(fraction * 100)}% (${this.sent}/${this.total} frames)`;
  }
}

/**
 * The line `talk` prints for an event worth reading in full: a finished transcript, or a problem (an
 * `invalid` frame, a server `error`, a failed transcription) to print on the error stream. In the
 * `codex` dialect, which has no transcript events, a message item comes whole: its text is the transcript.
 */
export function narration(event: RealtimeEvent, dialect: DialectName = 'openai'): Narration | undefined {
  switch (event.type) {
    case 'transcript.done':
      return { text: `[talk] ${event.role}: ${event.text}`, problem: false };
    case 'conversation.item.added': {
      const message = dialect === 'codex' ? messageText(event.item) : undefined;
      return message && { text: `[talk] ${message.role}: ${message.text}`, problem: false };
    }
    case 'texts.unconfirmed': {
      const quoted = event.texts.map((text) => JSON.stringify(oneLine(text))).join(', ');
      return { text: `[talk] not confirmed by the server: ${quoted}`, problem: true };
    }
    case 'transcript.failed':
      return { text: `[talk] user transcription failed: ${oneLine(event.message)}`, problem: true };
    case 'invalid':
      return {
        text: `[talk] invalid ${event.messageType ?? 'frame'}: ${oneLine(event.detail)}`,
        problem: true,
      };
    case 'error':
      return {
        text: `[talk] server error${event.code === undefined ? '' : ` ${event.code}`}: ${oneLine(event.message)}`,
        problem: true,
      };
    default:
      return undefined;
  }
}

/** A line of {@link narration}; a problem goes to the error stream. */
export interface Narration {
  text: string;
  problem: boolean;
}

/** The role and text of a message item (`{ type: 'message', role, content: [{ text }] }`), if it has text. */
function messageText(item: unknown): { role: string; text: string } | undefined {
  const message = item as { type?: unknown; role?: unknown; content?: unknown } | null;
  if (message?.type !== 'message' || typeof message.role !== 'string' || !Array.isArray(message.content)) {
    return undefined;
  }
  const text = (message.content as { text?: unknown }[])
    .map((part) => (typeof part?.text === 'string' ? part.text : ''))
    .join('');
  return text === '' ? undefined : { role: message.role, text };
}
