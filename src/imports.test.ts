import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Modules of src/ (tests aside) and the relative modules each imports, `import type` included:
// a circle through types still ties the modules' load order and their refactoring together.
function moduleGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  walk(root);
  const resolveImport = (from: string, spec: string) =>
    ['.ts', '.tsx', '/index.ts', '/index.tsx']
      .map((ext) => resolve(dirname(from), spec) + ext)
      .find((candidate) => existsSync(candidate));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const specs = [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)];
    graph.set(
      file,
      specs.map((m) => resolveImport(file, m[1])).filter((p): p is string => !!p)
    );
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'open') {
      return [...stack.slice(stack.indexOf(node)), node];
    }
    if (state.get(node) === 'done') {
      return undefined;
    }
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) {
        return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) {
      return cycle;
    }
  }
  return undefined;
}

describe('src/ modules', () => {
  it('import each other without a circle', () => {
    const root = resolve(__dirname);
    const cycle = findCycle(moduleGraph(root));
    expect(cycle?.map((p) => relative(root, p))).toBeUndefined();
  });
});
