import { docBlocks } from './docBlocks';

const guide = (...lines: string[]) => docBlocks(lines.join('\n'), 'docs/guide.md');

describe('docBlocks: a guide read as what a reader does with it', () => {
  it('reads programs, their arguments and output, tests, norun blocks, setup commands and files', () => {
    const blocks = guide(
      'Install:',
      '```sh setup',
      'npm init -y',
      '# a comment',
      'npm install ../realtime-rx/realtime-rx-0.1.0.tgz rxjs   # rxjs is a peer',
      '```',
      '```ts',
      '// wav.ts: npx tsx wav.ts speech.wav (needs a WAV)',
      'console.log(1);',
      '```',
      '```sh',
      '$ npx tsx wav.ts speech.wav   # prints one line',
      '1',
      '',
      '$ ls',
      'wav.ts',
      '```',
      '```typescript',
      "test('x', () => {});",
      '```',
      '```ts norun',
      '// Needs a browser.',
      'fromMicrophone();',
      '```',
      '```jsonc',
      '// tsconfig.json',
      '{}',
      '```',
      '```json',
      '{ "not": "a file" }',
      '```',
      '  ```ts',
      '  const indented = true;',
      '  ```',
    );
    expect(blocks).toEqual([
      {
        kind: 'setup',
        where: 'docs/guide.md:2',
        commands: ['npm init -y', 'npm install ../realtime-rx/realtime-rx-0.1.0.tgz rxjs   # rxjs is a peer'],
      },
      {
        kind: 'program',
        where: 'docs/guide.md:7',
        file: 'wav.ts',
        code: '// wav.ts: npx tsx wav.ts speech.wav (needs a WAV)\nconsole.log(1);\n',
        args: ['speech.wav'],
        output: { where: 'docs/guide.md:12', lines: ['1'] },
      },
      { kind: 'test', where: 'docs/guide.md:18', file: 'guide-18.test.ts', code: "test('x', () => {});\n" },
      {
        kind: 'norun',
        where: 'docs/guide.md:21',
        file: 'guide-21.ts',
        code: '// Needs a browser.\nfromMicrophone();\n',
        reason: 'Needs a browser.',
      },
      { kind: 'file', where: 'docs/guide.md:25', file: 'tsconfig.json', code: '// tsconfig.json\n{}\n' },
      {
        kind: 'program',
        where: 'docs/guide.md:32',
        file: 'guide-32.ts',
        code: 'const indented = true;\n',
        args: [],
      },
    ]);
  });

  it.each([
    [
      'a norun block that does not say what it needs',
      ['```ts norun', 'x();', '```'],
      /guide\.md:1: a norun block says/,
    ],
    ['a block that does not compile', ['```ts nocompile', 'x(', '```'], /guide\.md:1: .*mark it norun/],
    [
      'a run of a program no block above is',
      ['```sh', '$ npx tsx nowhere.ts', '```'],
      /guide\.md:2: runs nowhere\.ts/,
    ],
    [
      'a test file jest would not find',
      ['```ts', '// a.ts', "test('x', () => {});", '```'],
      /ends in \.test\.ts/,
    ],
    [
      'a run with other arguments than the block says',
      ['```ts', '// a.ts: npx tsx a.ts one', '```', '```sh', '$ npx tsx a.ts two', '```'],
      /guide\.md:5: runs a\.ts with other arguments/,
    ],
    [
      'output shown twice',
      ['```ts', '// a.ts', '```', '```sh', '$ npx tsx a.ts', '$ npx tsx a.ts', '```'],
      /guide\.md:6: a\.ts has its output shown twice/,
    ],
  ])('refuses %s, naming its line', (_what, lines, error) => {
    expect(() => guide(...lines)).toThrow(error);
  });
});
