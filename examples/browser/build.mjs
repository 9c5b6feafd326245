// Bundles the browser example (main.ts) with esbuild into examples/browser/dist/main.js.
// `node examples/browser/build.mjs [--outdir DIR] [--watch]`, or `buildExample({ outdir })` from a script.
//
// In your app `realtime-rx` comes from node_modules, and the `browser` condition of its exports map gives
// bundlers a build without Node-only modules. Here the example runs against the sources instead, so the
// plugin below maps `realtime-rx` to src/index.ts and swaps in the browser stand-ins itself.
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/**
 * `realtime-rx` → the sources; and, as the package's browser build does, every Node-only module `X.js`
 * that has a stand-in `X.browser.ts` beside it → the stand-in.
 */
const fromSources = {
  name: 'realtime-rx-from-sources',
  setup(build) {
    build.onResolve({ filter: /^realtime-rx$/ }, () => ({ path: join(root, 'src/index.ts') }));
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const standIn = resolve(args.resolveDir, args.path).replace(/\.js$/, '.browser.ts');
      return args.importer.startsWith(join(root, 'src') + sep) && existsSync(standIn)
        ? { path: standIn }
        : undefined;
    });
  },
};

/** The esbuild options of the example; `outdir` defaults to examples/browser/dist. */
export function exampleOptions({ outdir = join(here, 'dist'), minify = false } = {}) {
  return {
    entryPoints: [join(here, 'main.ts')],
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify,
    metafile: true,
    logLevel: 'warning',
    plugins: [fromSources],
  };
}

/** Builds the example; throws if the bundle reached Node-only code (ws, node:*). */
export async function buildExample(options) {
  const result = await esbuild.build(exampleOptions(options));
  const nodeOnly = Object.keys(result.metafile.inputs).filter((path) =>
    /node_modules\/ws\/|(nodeWebSocket|platformWebSocket)\.ts$|^node:/.test(path),
  );
  if (nodeOnly.length > 0) throw new Error(`the example reaches Node-only code: ${nodeOnly.join(', ')}`);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { outdir: { type: 'string' }, watch: { type: 'boolean' }, minify: { type: 'boolean' } },
  });
  const options = { outdir: values.outdir && resolve(values.outdir), minify: values.minify };
  if (values.watch) {
    const context = await esbuild.context(exampleOptions(options));
    await context.watch();
    console.log('watching examples/browser/main.ts');
  } else {
    const result = await buildExample(options);
    const [file, output] = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.js'));
    console.log(`built ${file} (${(output.bytes / 1024).toFixed(0)} KB)`);
  }
}
