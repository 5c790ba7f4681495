// Builds a mixed tree for bench/pack.sh: source-like text, random binaries,
// semi-compressible binaries and thousands of small files, ~SIZE_MB in total.
// Usage: node bench/pack-make-tree.mjs DIR SIZE_MB
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const [dir, sizeArg] = process.argv.slice(2);
if (!dir || !sizeArg) throw new Error('usage: pack-make-tree.mjs DIR SIZE_MB');
const totalBytes = Number(sizeArg) * 1024 * 1024;

// A deterministic generator keeps runs comparable.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const words = (
  'const let function return import export from if else for while await async class ' +
  'interface type extends implements new this null undefined true false string number boolean ' +
  'deploy revision bundle manifest hook event script timeout install start stop validate ' +
  'config options result error message path file directory stream buffer length index value'
).split(' ');
function textPool(bytes) {
  const lines = [];
  let n = 0;
  while (n < bytes) {
    const indent = '  '.repeat(randInt(0, 4));
    const count = randInt(2, 12);
    const parts = [];
    for (let i = 0; i < count; i++)
      parts.push(words[randInt(0, words.length - 1)] + (rand() < 0.2 ? randInt(0, 999) : ''));
    const line = `${indent}${parts.join(rand() < 0.5 ? ' ' : '.')};\n`;
    lines.push(line);
    n += line.length;
  }
  return Buffer.from(lines.join(''));
}
const pool = textPool(4 * 1024 * 1024);
const slice = (len) => {
  const start = randInt(0, pool.length - len - 1);
  return pool.subarray(start, start + len);
};

let written = 0;
const write = (rel, data, mode = 0o644) => {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data, { mode });
  written += data.length;
};

// Budget: 35% source text, 45% random binaries, 15% semi-compressible, 5% tiny files.
const budget = (share) => Math.floor(totalBytes * share);
let n = 0;
for (let used = 0; used < budget(0.35); n++) {
  const len = randInt(2_000, 40_000);
  write(`src/mod${n % 40}/sub${n % 7}/file${n}.ts`, slice(len), n % 50 === 0 ? 0o755 : 0o644);
  used += len;
}
for (let used = 0, i = 0; used < budget(0.45); i++) {
  const len = randInt(1, 8) * 1024 * 1024;
  write(`assets/blob${i}.bin`, randomBytes(len));
  used += len;
}
for (let used = 0, i = 0; used < budget(0.15); i++) {
  // Bytes with a small alphabet: compresses about 2:1, like images or fonts.
  const len = randInt(256, 2048) * 1024;
  const buf = randomBytes(len);
  for (let j = 0; j < len; j++) buf[j] &= 0x0f;
  write(`media/img${i}.dat`, buf);
  used += len;
}
for (let used = 0, i = 0; used < budget(0.05); i++) {
  const len = randInt(20, 2_000);
  write(`small/d${i % 100}/f${i}.json`, slice(len));
  used += len;
}
fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
write('scripts/start.sh', '#!/bin/bash\necho start\n', 0o755);
fs.symlinkSync('start.sh', path.join(dir, 'scripts', 'run.sh'));
write('appspec.yml', 'version: 0.0\nos: linux\n');
console.log(`${dir}: ${(written / 1024 / 1024).toFixed(0)} MiB`);
