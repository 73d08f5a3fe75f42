// Fails when widget.js grows past its budget of 15 KB gzipped; prints the size either way.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;
const src = readFileSync(new URL('./widget.js', import.meta.url));
const gz = gzipSync(src, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log(`widget.js: ${kb(src.length)} raw, ${kb(gz)} gzipped (budget ${kb(BUDGET)})`);
if (gz > BUDGET) {
  console.error('widget.js is over its gzipped size budget');
  process.exit(1);
}
