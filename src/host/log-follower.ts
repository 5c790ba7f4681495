/**
 * Follows a step's output in the deployment's log file, from the offset where
 * the step started, and hands out complete lines as they arrive.
 *
 * Hand-rolled because no library fits: the hook's stdout/stderr are the log
 * file itself (never a pipe, so a daemon the hook starts cannot hold our
 * stdout or die of SIGPIPE), which means the output can only be observed by
 * reading the file as it grows, and following must stop at an exact byte
 * offset (the file's size when the step exited), since a daemon may keep
 * appending to the same file afterwards. `tail -f`-style packages neither stop
 * at an offset nor bound their memory for lines without a newline.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;
const DEFAULT_POLL_MS = 50;
const POLL_BYTES = 4 * 1024 * 1024;
/**
 * One for every follower: reads are synchronous and each chunk is handed out
 * before the next read, so no two followers ever use it at once. Only the
 * bytes a read returns are used: no need to zero it.
 */
const readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);

/**
 * Splits a byte stream into lines without ever holding more than
 * `maxLineBytes`: a longer line is handed out in pieces. Splitting happens on
 * bytes (0x0A never occurs inside a UTF-8 sequence), and each line is decoded
 * leniently, so invalid UTF-8 becomes U+FFFD instead of an error.
 */
export class LineSplitter {
  /** Allocated on the first byte: most steps print nothing. */
  private partial: Buffer | undefined;
  private partialLength = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 4) {
      throw new Error(`line chunk size must be at least 4 bytes, got ${maxLineBytes}`);
    }
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const stop = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, stop));
      if (newline === -1) return;
      this.emit(this.partialLength, true);
      start = newline + 1;
    }
  }

  /** Hands out a last line that had no newline. */
  flush(): void {
    if (this.partialLength > 0) this.emit(this.partialLength, true);
  }

  private append(bytes: Uint8Array): void {
    const partial = this.line();
    let offset = 0;
    while (offset < bytes.length) {
      const room = this.maxLineBytes - this.partialLength;
      const take = Math.min(room, bytes.length - offset);
      partial.set(bytes.subarray(offset, offset + take), this.partialLength);
      this.partialLength += take;
      offset += take;
      if (this.partialLength === this.maxLineBytes && offset < bytes.length) {
        this.emit(this.pieceEnd(), false);
      }
    }
  }

  /** The partial line's buffer. Only its first partialLength bytes are ever read: no need to zero it. */
  private line(): Buffer {
    this.partial ??= Buffer.allocUnsafe(this.maxLineBytes);
    return this.partial;
  }

  /** Where to cut a full buffer so that a UTF-8 character is not split. */
  private pieceEnd(): number {
    const partial = this.line();
    let end = this.partialLength;
    // Step back over continuation bytes (10xxxxxx) to the start of the last character…
    let lead = end - 1;
    while (lead > end - 4 && lead > 0 && (partial[lead] & 0xc0) === 0x80) lead--;
    const byte = partial[lead];
    const width = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    // …and cut before it when it is incomplete.
    if (lead + width > end) end = lead;
    return end > 0 ? end : this.partialLength;
  }

  /** Hands out the first `length` bytes of the partial line and keeps the rest. */
  private emit(length: number, endOfLine: boolean): void {
    // Buffer#toString is lenient: invalid UTF-8 becomes U+FFFD.
    const partial = this.line();
    let text = partial.toString('utf8', 0, length);
    if (endOfLine && text.endsWith('\r')) text = text.slice(0, -1);
    partial.copyWithin(0, length, this.partialLength);
    this.partialLength -= length;
    this.onLine(text);
  }
}

export interface LogFollowerOptions {
  /** The log file (it must exist). */
  path: string;
  /** Byte offset where the followed output begins. */
  fromOffset: number;
  /** Every byte read, in order (for the bounded tail); the chunk is reused after the call. */
  onBytes?: (chunk: Buffer) => void;
  /** Each complete line; lines longer than `maxLineBytes` arrive in pieces. */
  onLine?: (line: string) => void;
  maxLineBytes?: number;
  /** How often to look for new output. */
  pollMs?: number;
}

/**
 * Reads with synchronous calls: a read of the page cache takes microseconds,
 * while each asynchronous one is a round trip through libuv's thread pool,
 * and a no-op hook would pay several of those (issue 3: per-hook overhead).
 * A poll hands out at most POLL_BYTES before giving the event loop a turn,
 * so a hook printing hundreds of MB cannot starve timeouts or cancellation.
 */
export class LogFollower {
  private position: number;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private readonly splitter: LineSplitter | undefined;

  private constructor(
    private readonly fd: number,
    private readonly options: LogFollowerOptions,
  ) {
    this.position = options.fromOffset;
    this.splitter = options.onLine
      ? new LineSplitter(options.onLine, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)
      : undefined;
    this.schedule(options.pollMs ?? DEFAULT_POLL_MS);
  }

  static start(options: LogFollowerOptions): LogFollower {
    return new LogFollower(openSync(options.path, 'r'), options);
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.position;
  }

  /**
   * Reads everything up to `endOffset` (the file's size when the step
   * exited), hands out a final partial line, and stops: what a daemon appends
   * later belongs to no step.
   */
  async stop(endOffset: number): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      if (this.failure === undefined) this.read(endOffset, Infinity);
      this.splitter?.flush();
    } finally {
      closeSync(this.fd);
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.poll(), ms);
  }

  private poll(): void {
    let more: boolean;
    try {
      more = this.read(Infinity, POLL_BYTES);
    } catch (error) {
      this.failure = error; // reported by stop()
      return;
    }
    this.schedule(more ? 0 : (this.options.pollMs ?? DEFAULT_POLL_MS));
  }

  /** Reads up to `limit` (an offset), at most `budget` bytes; true when it stopped for the budget. */
  private read(limit: number, budget: number): boolean {
    let spent = 0;
    while (this.position < limit) {
      if (spent >= budget) return true;
      const want = Math.min(readBuffer.length, limit - this.position);
      const bytesRead = readSync(this.fd, readBuffer, 0, want, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      spent += bytesRead;
      const chunk = readBuffer.subarray(0, bytesRead);
      this.options.onBytes?.(chunk);
      this.splitter?.push(chunk);
    }
    return false;
  }
}
