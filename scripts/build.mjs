// Builds the package's dist/ from scratch (npm runs it as `prepack`, so a tarball never holds stale files):
//   dist/esm, dist/cjs          ES modules and CommonJS with their own declarations, so that `import` and
//                               `require` consumers both get types that match the module format they load;
//   dist/browser/{esm,cjs}      the same JavaScript with every Node-only module `X.js` replaced by its
//                               stand-in `X.browser.js`: what the `browser` export condition points at, so a
//                               browser bundle never reaches `ws` or `node:` built-ins.
// See docs/packaging.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
const builds = [
  { outDir: 'dist/esm', module: 'ES2022', moduleResolution: 'Bundler', type: 'module' },
  { outDir: 'dist/cjs', module: 'CommonJS', moduleResolution: 'Node10', type: 'commonjs' },
];
for (const b of builds) {
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      b.outDir,
      '--module',
      b.module,
      '--moduleResolution',
      b.moduleResolution,
      // src/ does not ship, so no maps that would point at it (bundlers warn about missing sources); tsc's
      // ES2022 output is the source without its types, readable as it is.
      '--sourceMap',
      'false',
      '--declarationMap',
      'false',
    ],
    { stdio: 'inherit' },
  );
}

/** Every `X.browser.js` and the `X.js` it stands in for, relative to a build directory. */
function browserMap(dir) {
  const map = {};
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = String(entry).split('\\').join('/');
    if (!file.endsWith('.browser.js')) continue;
    const nodeOnly = file.slice(0, -'.browser.js'.length) + '.js';
    if (!existsSync(join(dir, nodeOnly)))
      throw new Error(`${dir}/${file} stands in for a missing ${nodeOnly}`);
    map[`./${nodeOnly}`] = `./${file}`;
  }
  return map;
}

// Bundlers read `type`, `sideEffects` and `browser` from the nearest package.json, which for every
// built file is one of these: without the root's `sideEffects`, tree-shaking would keep unused modules.
const { sideEffects } = JSON.parse(readFileSync('package.json', 'utf8'));
const writePackageJson = (dir, fields) =>
  writeFileSync(`${dir}/package.json`, JSON.stringify({ ...fields, sideEffects }, null, 2) + '\n');

for (const b of builds) {
  const map = browserMap(b.outDir);
  // Tools that reach dist/esm or dist/cjs without the exports map (the `module` field, deep imports) still
  // get the swap through the `browser` map.
  writePackageJson(b.outDir, { type: b.type, browser: map });

  const browserDir = b.outDir.replace(/^dist\//, 'dist/browser/');
  cpSync(b.outDir, browserDir, {
    recursive: true,
    filter: (src) => !src.endsWith('.d.ts') && !src.endsWith('package.json'),
  });
  for (const [nodeOnly, standIn] of Object.entries(map))
    copyFileSync(join(browserDir, standIn), join(browserDir, nodeOnly));
  writePackageJson(browserDir, { type: b.type });
  console.log(`${b.outDir}, ${browserDir} (browser stand-ins for ${Object.keys(map).join(', ')})`);
}
