/**
 * The last N bytes of a step's output, for the report. A fixed ring buffer:
 * memory is `capacity` bytes whatever the step prints.
 */
export class OutputTail {
  /** Allocated on the first byte: most steps print little or nothing. */
  private ring: Buffer | undefined;
  /** Where the next byte goes. */
  private end = 0;
  /** Bytes held, at most `capacity`. */
  private held = 0;
  /** Whether bytes have been dropped off the front. */
  private truncated = false;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new Error(`tail size must be a non-negative whole number of bytes, got ${capacity}`);
    }
  }

  push(chunk: Uint8Array): void {
    const cap = this.capacity;
    if (chunk.length === 0 || cap === 0) {
      this.truncated ||= chunk.length > 0;
      return;
    }
    // Only the last `cap` bytes of a big chunk can survive.
    const keep = chunk.length > cap ? chunk.subarray(chunk.length - cap) : chunk;
    if (keep.length < chunk.length) this.truncated = true;
    this.ring ??= Buffer.alloc(cap);
    const first = Math.min(keep.length, cap - this.end);
    this.ring.set(keep.subarray(0, first), this.end);
    this.ring.set(keep.subarray(first), 0);
    this.end = (this.end + keep.length) % cap;
    if (this.held + keep.length > cap) this.truncated = true;
    this.held = Math.min(cap, this.held + keep.length);
  }

  /** The held bytes, oldest first. */
  bytes(): Buffer {
    if (!this.ring) return Buffer.alloc(0);
    if (this.held < this.capacity)
      return Buffer.from(this.ring.subarray(this.end - this.held, this.end));
    return Buffer.concat([this.ring.subarray(this.end), this.ring.subarray(0, this.end)]);
  }

  /**
   * The held bytes as text. Invalid UTF-8 becomes U+FFFD; when the front was
   * cut off mid-character, the orphaned continuation bytes are dropped rather
   * than shown as replacement characters.
   */
  text(): string {
    let bytes = this.bytes();
    if (this.truncated) {
      let skip = 0;
      while (skip < 3 && skip < bytes.length && (bytes[skip] & 0xc0) === 0x80) skip++;
      bytes = bytes.subarray(skip);
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  }
}
