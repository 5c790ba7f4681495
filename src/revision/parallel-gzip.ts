import * as os from 'node:os';
import * as zlib from 'node:zlib';
import { crc32 } from './crc32.js';

/**
 * One gzip member built the way pigz builds it: each block is deflated on its
 * own (in zlib's thread pool, so all cores work), primed with the previous
 * block's last 32 KiB as dictionary, and ended with a sync flush so the raw
 * deflate pieces concatenate into one valid stream. Block boundaries are
 * fixed, so the bytes do not depend on timing. The header has no name and
 * mtime 0; any gzip reader can read the result.
 */
/** Deflate's window: what a block may refer back to. */
const WINDOW = 32 * 1024;

export class ParallelGzip {
  private readonly pending: Promise<Buffer>[] = [];
  /** The last 32 KiB of input, copied: the block it came from goes back to the pool. */
  private dictionary: Buffer | undefined;
  private crc = 0;
  private inputLength = 0;
  private readonly concurrency: number;

  constructor(
    private readonly emit: (chunk: Buffer) => void,
    private readonly release: (block: Buffer) => void,
    private readonly level = 6,
    concurrency?: number,
  ) {
    // More blocks in flight than zlib has threads would only hold memory.
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    this.concurrency = concurrency ?? Math.min(threads, Math.max(2, os.availableParallelism()));
    // XFL 2 = best compression, 4 = fastest; OS 3 = Unix, fixed for reproducibility.
    const xfl = level >= 9 ? 2 : level <= 1 ? 4 : 0;
    this.emit(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, xfl, 0x03]));
  }

  /** Queues a block; resolves once the queue has room (back-pressure on the producer). */
  async write(block: Buffer): Promise<void> {
    this.crc = crc32(block, this.crc);
    this.inputLength += block.length;
    const deflated = deflateBlock(block, this.level, this.dictionary).then((out) => {
      this.release(block);
      return out;
    });
    this.dictionary = Buffer.from(block.subarray(Math.max(0, block.length - WINDOW)));
    // Awaited in order by drainOne; if packing fails first, no rejection goes unhandled.
    deflated.catch(() => undefined);
    this.pending.push(deflated);
    // One block more than threads: a thread that finishes finds the next block queued.
    while (this.pending.length > this.concurrency) await this.drainOne();
  }

  async end(): Promise<void> {
    while (this.pending.length > 0) await this.drainOne();
    // An empty final fixed-Huffman block closes the deflate stream.
    const trailer = Buffer.alloc(10);
    trailer[0] = 0x03;
    trailer[1] = 0x00;
    trailer.writeUInt32LE(this.crc >>> 0, 2);
    trailer.writeUInt32LE(this.inputLength % 2 ** 32, 6);
    this.emit(trailer);
  }

  private async drainOne(): Promise<void> {
    const next = this.pending.shift() as Promise<Buffer>;
    this.emit(await next);
  }
}

function deflateBlock(block: Buffer, level: number, dictionary?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(
      block,
      {
        level,
        dictionary,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        // Output in few large pieces: fewer round trips to the thread pool.
        chunkSize: 256 * 1024,
      },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
  });
}
