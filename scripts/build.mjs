// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with its own declarations, so that
// `import` and `require` consumers both get types that match the module format they load.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** Modules that reach `ws`, and their browser stand-ins (relative to dist/esm and dist/cjs). */
const BROWSER_MAP = {
  './transport/platformWebSocket.js': './transport/platformWebSocket.browser.js',
  './transport/nodeWebSocket.js': './transport/nodeWebSocket.browser.js',
};

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
    ],
    { stdio: 'inherit' },
  );
  // Bundlers read the nearest package.json: its `browser` map swaps the Node-only modules out.
  writeFileSync(
    `${b.outDir}/package.json`,
    JSON.stringify({ type: b.type, browser: BROWSER_MAP }, null, 2) + '\n',
  );
}
