// Loads both entry points through the package's own `exports` map, as ESM and as CommonJS,
// and checks that the public functions are there. Run after `npm run build`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const expected = {
  'realtime-rx': ['connectConversation', 'realtimeSession', 'dropNewest', 'priorityMerge'],
  'realtime-rx/testing': ['startScriptedServer', 'startDevServer'],
};
let failed = false;
for (const [entry, names] of Object.entries(expected)) {
  const esm = await import(entry);
  const cjs = require(entry);
  for (const name of names) {
    for (const [format, mod] of [
      ['ESM', esm],
      ['CommonJS', cjs],
    ]) {
      if (typeof mod[name] !== 'function') {
        console.error(`${entry} (${format}) does not export ${name}`);
        failed = true;
      }
    }
  }
}
if (failed) process.exit(1);
console.log('ESM and CommonJS entry points load: ' + Object.keys(expected).join(', '));

// The README's example must run as written, against the built package.
const { readFileSync, writeFileSync, rmSync } = await import('node:fs');
const { execFileSync } = await import('node:child_process');
const readme = readFileSync('README.md', 'utf8');
const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
if (!example) throw new Error('README.md has no ```ts example');
const file = '.readme-example.mjs';
writeFileSync(file, example);
try {
  const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
  if (!/closed \{ type: 'closed', reason: 'transport_closed'/.test(out))
    throw new Error(`README example printed:\n${out}`);
  console.log('README example runs and ends with its close reason');
} finally {
  rmSync(file, { force: true });
}

// The CLI that `bin` points at runs from the build.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const help = execFileSync(process.execPath, [pkg.bin['realtime-rx'], '--help'], { encoding: 'utf8' });
if (!help.includes('realtime-rx <command>')) throw new Error(`the built CLI printed:\n${help}`);
console.log(`the built CLI (${pkg.bin['realtime-rx']}) runs`);

// Browser bundles of both entry points contain no `ws` and no Node built-ins: what the `browser` export
// condition points at (dist/browser), and dist/esm + dist/cjs reached directly (the `module` field, old
// bundlers), where the `browser` map of dist/*/package.json swaps the Node-only modules.
const { build } = await import('esbuild');
/** Bundle targets, each with the modules it must not reach besides ws and node: built-ins. */
const targets = [];
for (const entry of ['.', './testing']) {
  for (const condition of ['import', 'require'])
    targets.push({ target: pkg.exports[entry].browser[condition].default, swapped: [] });
  for (const format of ['esm', 'cjs']) {
    const { browser } = JSON.parse(readFileSync(`dist/${format}/package.json`, 'utf8'));
    targets.push({
      target: `./dist/${format}/${entry === '.' ? 'index' : 'testing'}.js`,
      swapped: Object.keys(browser).map((path) => `dist/${format}/${path.slice(2)}`),
    });
  }
}
for (const { target, swapped } of targets) {
  const result = await build({
    stdin: { contents: `export * from '${target}';`, resolveDir: process.cwd() },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((path) => /node_modules\/ws\/|^node:/.test(path) || swapped.includes(path));
  if (nodeOnly.length > 0)
    throw new Error(`a browser bundle of ${target} reaches Node-only code: ${nodeOnly.join(', ')}`);
  console.log(
    `a browser bundle of ${target} has no ws: ${inputs.length} modules, ${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KB unminified`,
  );
}
