// Keeps docs/angular.md true to this example: every fence tagged `file=<path>` (e.g. ```ts angular
// file=examples/angular/src/app/app.config.ts) must appear verbatim in that file, indentation aside.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const markdown = readFileSync(join(root, 'docs/angular.md'), 'utf8');
const normalize = (code) =>
  code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

let checked = 0;
const stale = [];
for (const match of markdown.matchAll(/^```[^\n]*\bfile=(\S+)[^\n]*\n([\s\S]*?)^```/gm)) {
  const [, path, code] = match;
  const line = markdown.slice(0, match.index).split('\n').length;
  checked++;
  if (!normalize(readFileSync(join(root, path), 'utf8')).includes(normalize(code)))
    stale.push(`docs/angular.md:${line}: the block differs from ${path}`);
}
if (checked === 0) stale.push('docs/angular.md has no block tagged file=...');
for (const problem of stale) console.error(problem);
if (stale.length > 0) process.exit(1);
console.log(`docs/angular.md: ${checked} code blocks match the example's files`);
