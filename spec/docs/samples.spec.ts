// Type-checks every ```ts / ```typescript block of README.md and docs/*.md as a user would write it, so the
// documented code cannot rot: strict TypeScript, bundler resolution, 'realtime-rx' and 'realtime-rx/testing'
// mapped to the sources, Node and jest globals. Each block is its own module and must bring its own imports.
// A fence whose info string says `nocompile` (```ts nocompile) or `angular` is skipped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '../..');

interface Sample {
  /** e.g. `docs/concepts.md:42` (the line of the opening fence) */
  name: string;
  /** the markdown line of the block's first line of code */
  firstLine: number;
  code: string;
  /** where the compiler sees it: a file next to the sources, so node_modules resolve as for the specs */
  path: string;
}

/** Every compiled fence of one markdown file. */
function samplesOf(markdown: string, file: string): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const words = info.trim().split(/\s+/);
    let end = i + 1;
    const closing = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`);
    while (end < lines.length && !closing.test(lines[end])) end++;
    const language = words[0].toLowerCase();
    const compiled =
      ['ts', 'typescript'].includes(language) && !words.includes('nocompile') && !words.includes('angular');
    if (compiled) {
      const code = lines
        .slice(i + 1, end)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n');
      const slug = file.replace(/[^A-Za-z0-9]+/g, '_');
      samples.push({
        name: `${file}:${i + 1}`,
        firstLine: i + 2,
        code,
        path: join(root, 'spec', 'docs', `__sample_${slug}_${i + 1}.ts`),
      });
    }
    i = end;
  }
  return samples;
}

const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const samples = files.flatMap((file) => samplesOf(readFileSync(join(root, file), 'utf8'), file));

const options: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  esModuleInterop: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node', 'jest'],
  baseUrl: root,
  paths: { 'realtime-rx': ['src/index.ts'], 'realtime-rx/testing': ['src/testing.ts'] },
};

/** One program for all samples (the sources are checked once); samples live only in memory. */
function compile(all: readonly Sample[]): ts.Program {
  const byPath = new Map(all.map((sample) => [sample.path, sample]));
  const host = ts.createCompilerHost(options, true);
  const disk = {
    fileExists: host.fileExists.bind(host),
    readFile: host.readFile.bind(host),
    getSourceFile: host.getSourceFile.bind(host),
  };
  host.fileExists = (path) => byPath.has(path) || disk.fileExists(path);
  host.readFile = (path) => byPath.get(path)?.code ?? disk.readFile(path);
  host.getSourceFile = (path, language, ...rest) => {
    const sample = byPath.get(path);
    return sample
      ? ts.createSourceFile(path, sample.code, language, true, ts.ScriptKind.TS)
      : disk.getSourceFile(path, language, ...rest);
  };
  return ts.createProgram([...byPath.keys()], options, host);
}

/** Syntax and type errors of one sample, one line each, at their markdown position; '' when it compiles. */
function check(program: ts.Program, sample: Sample): string {
  const source = program.getSourceFile(sample.path);
  if (source === undefined) return `${sample.name}: not in the program`;
  return describeDiagnostics(sample, [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ]);
}

function describeDiagnostics(sample: Sample, diagnostics: readonly ts.Diagnostic[]): string {
  return diagnostics
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const where =
        diagnostic.file.fileName === sample.path
          ? `${sample.name.replace(/:\d+$/, '')}:${sample.firstLine + line}:${character + 1}`
          : `${relative(root, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
      return `${where} TS${diagnostic.code}: ${message}`;
    })
    .join('\n');
}

describe('code samples in README.md and docs/*.md compile', () => {
  // A sample that must not compile: proves that the check can fail.
  const [canary] = samplesOf(
    "Text.\n\n```ts\nimport { connectConversation } from 'realtime-rx';\nconnectConversation({ url: 8011 });\n```\n",
    'docs/canary.md',
  );
  let program: ts.Program;
  beforeAll(() => {
    program = compile([...samples, canary]);
  }, 120_000);

  it('finds the samples (so this cannot pass vacuously)', () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    // The README example is the first block scripts/check-package.mjs runs.
    expect(samples[0]?.name).toMatch(/^README\.md:\d+$/);
    for (const guide of ['docs/getting-started.md', 'docs/concepts.md', 'docs/coming-from-openai.md']) {
      expect(samples.some((sample) => sample.name.startsWith(`${guide}:`))).toBe(true);
    }
  });

  it('keeps the README example plain JavaScript (scripts/check-package.mjs runs it with node as .mjs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-example-'));
    try {
      const file = join(dir, 'example.mjs');
      writeFileSync(file, samples[0].code);
      // `node --check` parses without running: it fails on type annotations and other TypeScript syntax.
      expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips fences marked nocompile or angular, and reads ts/typescript fences only', () => {
    const markdown = [
      '```ts',
      'const a: number = 1;',
      '```',
      '```ts nocompile',
      'nope',
      '```',
      '```typescript angular',
      'nope',
      '```',
      '```js',
      'nope',
      '```',
      '  ```typescript',
      '  const b = 2;',
      '  ```',
    ].join('\n');
    expect(samplesOf(markdown, 'x.md').map(({ name, code }) => [name, code])).toEqual([
      ['x.md:1', 'const a: number = 1;'],
      ['x.md:13', 'const b = 2;'],
    ]);
  });

  it('fails a broken sample with its markdown position (a canary compiled with the others)', () => {
    expect(check(program, canary)).toMatch(
      /^docs\/canary\.md:5:\d+ TS2322: Type 'number' is not assignable to type 'string'\./,
    );
  });

  it.each(samples.map((sample) => [sample.name, sample] as const))('%s', (_name, sample) => {
    expect(check(program, sample)).toBe('');
  });
});
