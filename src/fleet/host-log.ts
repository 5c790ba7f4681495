/**
 * Each host's log, live, with a `[label]` prefix, in a group of its own.
 * Groups cannot interleave, so when hosts deploy side by side one of them
 * owns the open group and streams live; the others' lines wait (bounded) and
 * are printed in their own group as soon as it is their turn.
 */
import type { Log } from '../report/log.js';

type Level = 'info' | 'warning' | 'error';

export interface HostLog {
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  /** The host is done: its group closes (now, or once it has had its turn). */
  close(): void;
}

/** What one waiting host may hold back before lines are dropped (the host keeps its full log). */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

interface Entry {
  label: string;
  title: string;
  held: [Level, string][];
  heldBytes: number;
  dropped: number;
  closed: boolean;
}

export class FleetLog {
  private readonly queue: Entry[] = [];
  private open?: Entry;

  constructor(private readonly log: Log) {}

  /** A host starts: its lines go live if no other host holds the group. */
  host(label: string, title: string): HostLog {
    const entry: Entry = { label, title, held: [], heldBytes: 0, dropped: 0, closed: false };
    this.queue.push(entry);
    this.advance();
    const say = (level: Level, line: string): void => this.say(entry, level, line);
    return {
      info: (line) => say('info', line),
      warning: (line) => say('warning', line),
      error: (line) => say('error', line),
      close: () => {
        entry.closed = true;
        this.advance();
      },
    };
  }

  private say(entry: Entry, level: Level, line: string): void {
    const text = `[${entry.label}] ${line}`;
    if (this.open === entry) {
      this.log[level](text);
      return;
    }
    if (entry.heldBytes + text.length > MAX_HELD_BYTES && level === 'info') {
      entry.dropped++;
      return;
    }
    entry.held.push([level, text]);
    entry.heldBytes += text.length;
  }

  /** Closes finished groups and hands the group to the next waiting host, in start order. */
  private advance(): void {
    while (true) {
      if (this.open) {
        if (!this.open.closed) return;
        this.log.endGroup();
        this.queue.splice(this.queue.indexOf(this.open), 1);
        this.open = undefined;
      }
      const next = this.queue[0];
      if (!next) return;
      this.open = next;
      this.log.startGroup(next.title);
      for (const [level, text] of next.held) this.log[level](text);
      if (next.dropped) {
        this.log.info(
          `[${next.label}] … ${next.dropped} more lines were held back while other hosts printed, and dropped here; the host's deployment log has them all`,
        );
      }
      next.held = [];
      next.heldBytes = 0;
    }
  }
}
