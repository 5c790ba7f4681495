// The pack/unpack engine as a small CLI for bench/pack.sh, bundled with ncc:
//   node runner.js pack SOURCE_DIR OUTPUT
//   node runner.js unpack BUNDLE STAGING_DIR
import { packRevision } from '../src/revision/pack.ts';
import { unpackBundle } from '../src/revision/unpack.ts';

const [command, a, b] = process.argv.slice(2);
if (command === 'pack' && a && b) {
  const result = await packRevision({
    sourceDir: a,
    output: b,
    metadata: { toolVersion: 'bench' },
  });
  console.log(JSON.stringify(result));
} else if (command === 'unpack' && a && b) {
  const result = await unpackBundle(a, b, {
    limits: { maxBytes: 8 * 1024 ** 3, maxEntries: 1_000_000 },
  });
  console.log(JSON.stringify(result));
} else {
  console.error('usage: pack-runner (pack SOURCE_DIR OUTPUT | unpack BUNDLE STAGING_DIR)');
  process.exit(2);
}
