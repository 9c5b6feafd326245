// Runs every ```ts block of docs/testing.md that calls test(...), so the documented examples cannot rot.
// Each block is transpiled to CommonJS and evaluated with 'realtime-rx' and 'realtime-rx/testing'
// mapped to the sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

/* eslint-disable @typescript-eslint/no-require-imports -- the examples run as CommonJS, loaded on demand */
const modules: Record<string, () => unknown> = {
  'realtime-rx': () => require('../../src/index'),
  'realtime-rx/testing': () => require('../../src/testing'),
  rxjs: () => require('rxjs'),
  'rxjs/testing': () => require('rxjs/testing'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const markdown = readFileSync(join(__dirname, '../../docs/testing.md'), 'utf8');
const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => m[1])
  .filter((code) => /\btest\(/.test(code));

describe('docs/testing.md examples', () => {
  it('has the three worked examples', () => {
    expect(blocks).toHaveLength(3);
  });

  blocks.forEach((code, index) => {
    describe(`example ${index + 1}`, () => {
      const { outputText } = ts.transpileModule(code, {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      });
      const load = (name: string) => {
        const module = modules[name];
        if (module === undefined)
          throw new Error(
            `docs/testing.md example ${index + 1} imports ${name}, which the runner does not map`,
          );
        return module();
      };
      // The example registers its test(...) now, while this describe block is being collected.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the documented code is the point
      new Function('require', 'exports', 'module', outputText)(load, {}, { exports: {} });
    });
  });
});
