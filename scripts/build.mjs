// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with its own declarations, so that
// `import` and `require` consumers both get types that match the module format they load.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
const builds = [
  { outDir: 'dist/esm', module: 'ES2022', moduleResolution: 'Bundler', type: 'module' },
  { outDir: 'dist/cjs', module: 'CommonJS', moduleResolution: 'Node10', type: 'commonjs' },
];
for (const b of builds) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', b.outDir,
    '--module', b.module, '--moduleResolution', b.moduleResolution], { stdio: 'inherit' });
  writeFileSync(`${b.outDir}/package.json`, JSON.stringify({ type: b.type }) + '\n');
}
