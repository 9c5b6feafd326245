// The size of realtime-rx in a browser app, against a budget: bundles the built package (run `npm run build`
// first) the way an app's bundler does — `import ... from 'realtime-rx'`, platform browser, so the `browser`
// export condition applies — minifies it with esbuild and gzips it (level 9). Once with rxjs, io-ts and fp-ts
// in the bundle, once with them external (what realtime-rx adds to an app that has them already).
// Exits 1 when a size is over its budget. The budgets are documented in docs/browser.md.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Budgets in KiB (1024 bytes), about 10-20% above the sizes measured when they were set (see docs/browser.md). */
const BUDGETS = [
  { name: 'with rxjs, io-ts, fp-ts', external: [], minified: 200, gzipped: 61 },
  { name: 'rxjs, io-ts, fp-ts external', external: ['rxjs', 'io-ts', 'fp-ts'], minified: 165, gzipped: 51 },
];

if (!existsSync(resolve(root, 'dist/esm/index.js'))) {
  console.error('scripts/size.mjs measures the build: run `npm run build` first');
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const rows = [];
const over = [];
let entry;
for (const budget of BUDGETS) {
  const result = await esbuild.build({
    // Every export, so nothing is tree-shaken away: the whole library.
    stdin: { contents: "export * from 'realtime-rx';", resolveDir: root, sourcefile: 'app.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    external: budget.external, // a package name covers its subpaths (rxjs/operators, fp-ts/Either, ...)
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Not the repo's tsconfig: its `paths` map 'realtime-rx' to the sources; measure the package.
    tsconfigRaw: {},
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((path) => /node_modules\/ws\/|^node:/.test(path));
  if (nodeOnly.length > 0) {
    console.error(
      `the browser bundle reaches Node-only code, so its size means nothing: ${nodeOnly.join(', ')}`,
    );
    process.exit(1);
  }
  entry ??= result.metafile.inputs['app.js'].imports[0].path; // where 'realtime-rx' resolved to
  const code = result.outputFiles[0].contents;
  const minified = code.length;
  const gzipped = gzipSync(code, { level: 9 }).length;
  const ok = minified <= budget.minified * 1024 && gzipped <= budget.gzipped * 1024;
  if (!ok) over.push(budget.name);
  rows.push([
    budget.name,
    kib(minified),
    `${budget.minified} KiB`,
    kib(gzipped),
    `${budget.gzipped} KiB`,
    ok ? 'ok' : 'OVER',
  ]);
}

const table = [['bundle', 'minified', 'budget', 'min+gzip', 'budget', ''], ...rows];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log(`realtime-rx in a browser bundle (${entry}; esbuild --minify, gzip -9)\n`);
for (const row of table) {
  const cells = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])));
  console.log(cells.join('  ').trimEnd());
}
if (over.length > 0) {
  console.error(
    `\nover the size budget: ${over.join('; ')}. Make it smaller, or, if the growth is worth it, raise the ` +
      'budget in scripts/size.mjs and in docs/browser.md.',
  );
  process.exit(1);
}
