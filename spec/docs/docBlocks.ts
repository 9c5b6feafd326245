/**
 * The code blocks of a guide read as what a reader does with them, for spec/docs/runnable.spec.ts.
 * The conventions (docs/README.md explains them to readers):
 *
 * - A ```ts block is a program, run with `npx tsx <file>` in the folder that the install instructions
 *   make. A first line `// wav.ts` names the file, `// wav.ts: npx tsx wav.ts speech.wav` also gives the
 *   arguments; otherwise the file is `<guide>-<line>.ts`.
 * - A ```sh block line `$ npx tsx <file> [args]` shows a run of a program above it: the lines up to the
 *   next `$` line are everything it prints on stdout.
 * - A ```ts block that calls `test(` is a jest test file (its name ends in `.test.ts`).
 * - ```ts norun is not run (it is still type-checked): its first line is a comment that says what it
 *   needs that a test run does not have (an OpenAI key, a browser).
 * - ```sh setup holds commands that set the folder up, run one by one.
 * - A ```jsonc block whose first line is `// <file>.json` is that file.
 */

interface Located {
  /** `docs/guide.md:42`: the guide and the line of the opening fence */
  where: string;
}

export interface ProgramBlock extends Located {
  kind: 'program';
  file: string;
  code: string;
  args: string[];
  /** what the guide shows it prints, when it does */
  output?: Located & { lines: string[] };
}
export interface TestBlock extends Located {
  kind: 'test';
  file: string;
  code: string;
}
export interface NoRunBlock extends Located {
  kind: 'norun';
  file: string;
  code: string;
  /** its first line, the comment the reader sees */
  reason: string;
}
export interface SetupBlock extends Located {
  kind: 'setup';
  commands: string[];
}
export interface FileBlock extends Located {
  kind: 'file';
  file: string;
  code: string;
}
export type DocBlock = ProgramBlock | TestBlock | NoRunBlock | SetupBlock | FileBlock;

interface Fence {
  line: number;
  words: string[];
  lines: string[];
}

/** Every fenced block of a markdown text, its indentation removed. */
function fences(markdown: string): Fence[] {
  const found: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const closing = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end])) end++;
    found.push({
      line: i + 1,
      words: info.trim().toLowerCase().split(/\s+/),
      lines: lines
        .slice(i + 1, end)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)),
    });
    i = end;
  }
  return found;
}

const SHELLS = ['sh', 'shell', 'bash', 'console'];
/** `$ npx tsx wav.ts speech.wav   # a comment` */
const RUN_LINE = /^\$ npx tsx (\S+)([^#]*)/;

/** The runnable reading of one guide's blocks, in order; a block that breaks a convention throws. */
export function docBlocks(markdown: string, guide: string): DocBlock[] {
  const slug = guide.replace(/^.*\//, '').replace(/\.md$/, '');
  const blocks: DocBlock[] = [];
  for (const fence of fences(markdown)) {
    const where = `${guide}:${fence.line}`;
    const [language] = fence.words;
    const code = fence.lines.join('\n') + '\n';
    const first = fence.lines[0] ?? '';
    if (language === 'ts' || language === 'typescript') {
      if (fence.words.includes('nocompile') || fence.words.includes('angular'))
        throw new Error(`${where}: every block of a runnable guide compiles; mark it norun instead`);
      blocks.push(tsBlock(where, fence.words.includes('norun'), first, code, `${slug}-${fence.line}`));
    } else if (SHELLS.includes(language) && fence.words.includes('setup')) {
      const commands = fence.lines.map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
      blocks.push({ kind: 'setup', where, commands });
    } else if (SHELLS.includes(language)) {
      attachTranscripts(blocks, fence, guide);
    } else if (language === 'jsonc') {
      const named = /^\/\/\s*([\w.-]+\.json)\s*$/.exec(first);
      if (named) blocks.push({ kind: 'file', where, file: named[1], code });
    }
  }
  return blocks;
}

function tsBlock(where: string, norun: boolean, first: string, code: string, fallback: string): DocBlock {
  const named = /^\/\/\s*([\w.-]+\.[cm]?ts)\b(.*)$/.exec(first);
  if (norun) {
    if (!/^\/\/.*\bneeds?\b/i.test(first))
      throw new Error(`${where}: a norun block says in its first line what it needs, as a // comment`);
    return {
      kind: 'norun',
      where,
      file: named?.[1] ?? `${fallback}.ts`,
      code,
      reason: first.slice(2).trim(),
    };
  }
  if (/\btest\(/.test(code)) {
    const file = named?.[1] ?? `${fallback}.test.ts`;
    if (!file.endsWith('.test.ts')) throw new Error(`${where}: a jest test file's name ends in .test.ts`);
    return { kind: 'test', where, file, code };
  }
  const file = named?.[1] ?? `${fallback}.ts`;
  const command = /npx tsx (\S+)([^#(]*)/.exec(named?.[2] ?? '');
  if (command && command[1] !== file) throw new Error(`${where}: ${file} says it is run as ${command[1]}`);
  return { kind: 'program', where, file, code, args: command ? words(command[2]) : [] };
}

/** `$ npx tsx <file>` runs in a shell block: their output goes to the program block they run. */
function attachTranscripts(blocks: DocBlock[], fence: Fence, guide: string): void {
  let current: { lines: string[] } | undefined;
  fence.lines.forEach((line, index) => {
    if (!line.startsWith('$ ')) return current?.lines.push(line.trimEnd());
    current = undefined;
    const command = RUN_LINE.exec(line);
    if (!command) return;
    const where = `${guide}:${fence.line + 1 + index}`;
    const program = blocks
      .filter((block): block is ProgramBlock => block.kind === 'program' && block.file === command[1])
      .pop();
    if (program === undefined) throw new Error(`${where}: runs ${command[1]}, which no block above is`);
    if (program.output !== undefined) throw new Error(`${where}: ${program.file} has its output shown twice`);
    const args = words(command[2]);
    if (program.args.length > 0 && args.join(' ') !== program.args.join(' '))
      throw new Error(`${where}: runs ${program.file} with other arguments than its first line says`);
    program.args = args;
    current = { lines: [] };
    program.output = { where, lines: current.lines };
  });
  for (const block of blocks)
    if (block.kind === 'program' && block.output !== undefined)
      while (block.output.lines.at(-1) === '') block.output.lines.pop();
}

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}
