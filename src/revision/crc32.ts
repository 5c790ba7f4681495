import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function tableCrc32(data: Buffer, value: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

type Crc32 = (data: Buffer, value?: number) => number;
const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

/** CRC-32 as gzip uses it; zlib's own (Node >= 20.15) when there, else a table. */
export function crc32(data: Buffer, value = 0): number {
  return native ? native(data, value) : tableCrc32(data, value);
}
