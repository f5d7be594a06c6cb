// Keeps docs/compatibility.md true: every @grafana API that src/ imports is in its table,
// with the first Grafana version that has it, and shipped code uses nothing newer than the
// plugin's grafanaDependency.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const guarded = ['@grafana/ui', '@grafana/runtime', '@grafana/data', '@grafana/schema'];

interface Use {
  pkg: string;
  name: string;
  file: string;
  shipped: boolean;
}

// importsOf lists the named imports of the guarded packages in one file, and the problems
// that would hide what is used (namespace, default, deep-path, re-export, dynamic imports).
function importsOf(file: string, text: string, shipped: boolean): { uses: Use[]; problems: string[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const uses: Use[] = [];
  const problems: string[] = [];
  const guardedSpec = (spec: string) => guarded.find((p) => spec === p || spec.startsWith(p + '/'));
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const pkg = guardedSpec(spec);
      if (pkg) {
        const clause = node.importClause;
        const bindings = clause?.namedBindings;
        if (spec !== pkg) {
          problems.push(`${file}: import from '${spec}': import from '${pkg}' itself, not a path inside it`);
        } else if (!clause || clause.name || (bindings && !ts.isNamedImports(bindings))) {
          problems.push(`${file}: a side-effect, default or namespace import of '${pkg}': import the APIs by name`);
        } else if (bindings && ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) {
            uses.push({ pkg, name: (el.propertyName ?? el.name).text, file, shipped });
          }
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (guardedSpec(node.moduleSpecifier.text)) {
        problems.push(`${file}: re-export from '${node.moduleSpecifier.text}': import the APIs by name instead`);
      }
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((dynamic || required) && guardedSpec(node.arguments[0].text)) {
        problems.push(`${file}: dynamic import or require of '${node.arguments[0].text}': import the APIs by name`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { uses, problems };
}

interface Row {
  name: string;
  pkg: string;
  usedBy: 'shipped' | 'tests';
  firstIn: string;
}

// rowsOf reads the API table of docs/compatibility.md: | `Name` | `@grafana/pkg` | shipped | 11.6.0 | ... |
function rowsOf(markdown: string): Row[] {
  const rows: Row[] = [];
  const re =
    /^\|\s*`([A-Za-z0-9_]+)`\s*\|\s*`(@grafana\/[a-z]+)`\s*\|\s*(shipped|tests)\s*\|\s*(?:≤\s*)?(\d+\.\d+\.\d+)\s*\|/;
  for (const line of markdown.split('\n')) {
    const m = re.exec(line);
    if (m) {
      rows.push({ name: m[1], pkg: m[2], usedBy: m[3] as Row['usedBy'], firstIn: m[4] });
    }
  }
  return rows;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) {
      return pa[i] - pb[i];
    }
  }
  return 0;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return sourceFiles(p);
    }
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// Shipped code is everything in src/ but tests and test helpers.
function isShipped(rel: string): boolean {
  return !/\.test\.tsx?$/.test(rel) && !rel.startsWith('testing/');
}

describe('the import scanner', () => {
  it('reads multi-line, aliased and type-only imports', () => {
    const { uses, problems } = importsOf(
      'a.ts',
      `import {\n  Field,\n  Input as TextInput,\n} from '@grafana/ui';\nimport type { DataFrame } from '@grafana/data';\nimport { of } from 'rxjs';`,
      true
    );
    expect(problems).toEqual([]);
    expect(uses.map((u) => `${u.pkg} ${u.name}`)).toEqual([
      '@grafana/ui Field',
      '@grafana/ui Input',
      '@grafana/data DataFrame',
    ]);
  });

  it('flags imports that hide what is used', () => {
    const text = [
      `import * as ui from '@grafana/ui';`,
      `import data from '@grafana/data';`,
      `import '@grafana/runtime';`,
      `import { Button } from '@grafana/ui/src/components/Button';`,
      `export { Field } from '@grafana/ui';`,
      `const r = require('@grafana/runtime');`,
      `const d = import('@grafana/data');`,
    ].join('\n');
    expect(importsOf('b.ts', text, true).problems).toHaveLength(7);
  });

  it('reads table rows and compares versions', () => {
    const rows = rowsOf(
      '| `Stack` | `@grafana/ui` | shipped | 10.4.0 | x |\n| `Alert` | `@grafana/ui` | tests | ≤ 7.0.0 | y |\n| nope | | | | |'
    );
    expect(rows).toEqual([
      { name: 'Stack', pkg: '@grafana/ui', usedBy: 'shipped', firstIn: '10.4.0' },
      { name: 'Alert', pkg: '@grafana/ui', usedBy: 'tests', firstIn: '7.0.0' },
    ]);
    expect(compareVersions('11.6.0', '12.3.0')).toBeLessThan(0);
    expect(compareVersions('12.10.0', '12.3.0')).toBeGreaterThan(0);
    expect(compareVersions('12.3.0', '12.3.0')).toBe(0);
  });
});

describe('docs/compatibility.md', () => {
  const doc = fs.readFileSync(path.join(root, 'docs', 'compatibility.md'), 'utf8');
  const rows = rowsOf(doc);
  const uses: Use[] = [];
  const problems: string[] = [];
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(path.join(root, 'src'), file).split(path.sep).join('/');
    const found = importsOf(rel, fs.readFileSync(file, 'utf8'), isShipped(rel));
    uses.push(...found.uses);
    problems.push(...found.problems);
  }
  const minimum = /\*\*Minimum Grafana version: (\d+\.\d+\.\d+)\*\*/.exec(doc)?.[1];

  it('finds the imports it guards', () => {
    expect(uses.length).toBeGreaterThan(20);
    expect(rows.length).toBeGreaterThan(20);
  });

  it('sees only named imports of the guarded packages', () => {
    expect(problems).toEqual([]);
  });

  it('documents every imported API with its package and use', () => {
    const missing: string[] = [];
    for (const u of uses) {
      const row = rows.find((r) => r.name === u.name && r.pkg === u.pkg);
      if (!row) {
        missing.push(
          `${u.pkg} ${u.name} (imported by ${u.file}): add a row with the first Grafana version that exports it`
        );
      } else if (u.shipped && row.usedBy !== 'shipped') {
        missing.push(`${u.pkg} ${u.name} is imported by shipped code (${u.file}) but documented as used by tests only`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists no API that src/ no longer imports', () => {
    const stale = rows
      .filter((r) => !uses.some((u) => u.name === r.name && u.pkg === r.pkg && (r.usedBy === 'tests' || u.shipped)))
      .map((r) => `${r.pkg} ${r.name} (${r.usedBy})`);
    expect(stale).toEqual([]);
  });

  it('states the minimum that plugin.json declares', () => {
    expect(minimum).toBeDefined();
    for (const file of ['src/plugin.json', 'plugin.json']) {
      const dep = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')).dependencies?.grafanaDependency;
      expect({ file, dep }).toEqual({ file, dep: `>=${minimum}` });
    }
  });

  it('uses nothing in shipped code newer than the minimum', () => {
    const newer = rows
      .filter((r) => r.usedBy === 'shipped' && compareVersions(r.firstIn, minimum ?? '0.0.0') > 0)
      .map(
        (r) =>
          `${r.pkg} ${r.name} first appeared in ${r.firstIn}, after the minimum ${minimum}: raise grafanaDependency or avoid it`
      );
    expect(newer).toEqual([]);
  });
});
