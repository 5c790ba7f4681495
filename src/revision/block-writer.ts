import * as fs from 'node:fs';
import { BundleError } from './bundle-error.js';

/** Receives each block in order; owns it until it gives it back to the pool. */
export type BlockSink = (block: Buffer) => Promise<void>;

/**
 * Recycled blocks: a fresh megabyte per block means page faults on first
 * touch and garbage that lets the process grow with the tree.
 */
export class BlockPool {
  private readonly free: Buffer[] = [];

  constructor(readonly blockSize: number) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.blockSize);
  }

  give(block: Buffer): void {
    // Only whole blocks come back (the last, partial one is a view); a few suffice.
    if (block.length === this.blockSize && this.free.length < 8) this.free.push(block);
  }
}

/**
 * Gathers a byte stream into fixed-size blocks for a sink: file contents are
 * read straight into the block, so packing copies each byte once and memory
 * stays at a few blocks whatever the tree's size. Fixed boundaries also keep
 * the compressed output independent of timing.
 */
export class BlockWriter {
  private block: Buffer;
  private pos = 0;
  private readonly blockSize: number;
  /** Bytes accepted so far. */
  total = 0;

  constructor(
    private readonly sink: BlockSink,
    private readonly pool: BlockPool,
  ) {
    this.blockSize = pool.blockSize;
    this.block = pool.take();
  }

  async write(src: Buffer): Promise<void> {
    let offset = 0;
    while (offset < src.length) {
      const n = Math.min(src.length - offset, this.blockSize - this.pos);
      src.copy(this.block, this.pos, offset, offset + n);
      offset += n;
      await this.advance(n);
    }
  }

  async zeros(count: number): Promise<void> {
    let left = count;
    while (left > 0) {
      const n = Math.min(left, this.blockSize - this.pos);
      this.block.fill(0, this.pos, this.pos + n);
      left -= n;
      await this.advance(n);
    }
  }

  /** Copies exactly `size` bytes of a file; one that shrank since it was listed is an error. */
  async copyFile(absPath: string, size: number, label: string): Promise<void> {
    const fd = fs.openSync(absPath, 'r');
    try {
      let left = size;
      while (left > 0) {
        const want = Math.min(left, this.blockSize - this.pos);
        const n = fs.readSync(fd, this.block, this.pos, want, null);
        if (n === 0) {
          throw new BundleError(
            `${label}: the file shrank while it was being packed: pack again once nothing writes to the directory`,
          );
        }
        left -= n;
        await this.advance(n);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Hands the last, partial block to the sink. */
  async end(): Promise<void> {
    if (this.pos > 0) {
      const last = this.block.subarray(0, this.pos);
      this.pos = 0;
      await this.sink(last);
    }
  }

  private async advance(n: number): Promise<void> {
    this.pos += n;
    this.total += n;
    if (this.pos === this.blockSize) {
      const full = this.block;
      this.block = this.pool.take();
      this.pos = 0;
      await this.sink(full);
    }
  }
}
