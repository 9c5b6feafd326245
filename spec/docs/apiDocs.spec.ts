// Every public export (src/index.ts and src/testing.ts, following `export *` and aliases) must carry a doc
// comment with a summary and a fenced ```ts @example, so the typedoc reference never has an undocumented entry.
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '../..');
const entries = ['src/index.ts', 'src/testing.ts'];

interface ExportDoc {
  readonly entry: string;
  readonly name: string;
  readonly summary: string;
  readonly examples: readonly string[];
}

function loadProgram(): ts.Program {
  const configPath = join(root, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return ts.createProgram({ rootNames: entries.map((e) => join(root, e)), options: parsed.options });
}

function tagText(tag: ts.JSDocTagInfo): string {
  return (tag.text ?? []).map((part) => part.text).join('');
}

function collectExports(): ExportDoc[] {
  const program = loadProgram();
  const checker = program.getTypeChecker();
  return entries.flatMap((entry) => {
    const source = program.getSourceFile(join(root, entry));
    if (!source) throw new Error(`${entry} is not part of the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${entry} is not a module`);
    return checker.getExportsOfModule(moduleSymbol).map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return {
        entry,
        name: exported.getName(),
        summary: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
        examples: symbol
          .getJsDocTags(checker)
          .filter((tag) => tag.name === 'example')
          .map(tagText),
      };
    });
  });
}

const docs = collectExports();

describe('public API documentation', () => {
  it('enumerates the whole public surface (guards against passing vacuously)', () => {
    expect(docs.filter((d) => d.entry === 'src/index.ts').length).toBeGreaterThan(80);
    expect(docs.filter((d) => d.entry === 'src/testing.ts').length).toBeGreaterThan(10);
    // Spot checks: names that must stay public.
    const names = docs.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['connectConversation', 'WebSocketSubject', 'fixtures']));
  });

  describe.each(entries)('%s', (entry) => {
    const exported = docs.filter((d) => d.entry === entry);
    it.each(exported.map((d) => [d.name, d] as const))('%s has a summary and a ```ts @example', (_, doc) => {
      expect(doc.summary).not.toBe('');
      expect(doc.examples.length).toBeGreaterThan(0);
      for (const example of doc.examples) {
        expect(example).toMatch(/```ts\n[\s\S]*\S[\s\S]*```/);
      }
    });
  });
});
