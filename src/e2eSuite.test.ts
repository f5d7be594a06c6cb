import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// The browser suite (Playwright, tests/*.spec.ts) must not pick up the node:test suites beside
// it (tests/api, tests/soak: they create data sources and alert rules as a side effect).
const repo = resolve(__dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Playwright configuration', () => {
  it('runs the browser specs only', () => {
    // Playwright does not load under jsdom: read its configuration, and match the files the way
    // Playwright does (its own createFileMatcher), in a node child process.
    const script = `
      const config = require('./playwright.config.ts').default;
      const { createFileMatcher } = require('playwright/lib/util');
      const matches = createFileMatcher(config.testMatch ?? '**/*.@(spec|test).?(c|m)[jt]s?(x)');
      console.log(JSON.stringify({ testDir: config.testDir, picked: JSON.parse(process.argv[1]).filter((f) => matches(f)) }));`;
    const files = filesUnder(join(repo, 'tests'));
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script, JSON.stringify(files)], {
      cwd: repo,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_COMPILER_OPTIONS: '{"module":"commonjs"}' },
      encoding: 'utf8',
    });
    const { testDir, picked } = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    expect(resolve(repo, testDir)).toBe(join(repo, 'tests'));
    expect(picked.map((f: string) => relative(repo, f)).sort()).toEqual([
      'tests/alertFromPanel.spec.ts',
      'tests/configEditor.spec.ts',
      'tests/dashboards.spec.ts',
      'tests/explore.spec.ts',
      'tests/queryEditor.spec.ts',
    ]);
  });

  it('specs find fields by exact names or roles, not by labels other fields contain', () => {
    // Playwright's getByLabel('Base URL') matches any label containing the text: "Login URL"
    // (its description says "Defaults to the base URL") and "Topic events" (a radio) too.
    for (const spec of ['configEditor.spec.ts', 'queryEditor.spec.ts']) {
      const text = readFileSync(join(repo, 'tests', spec), 'utf8');
      expect(text).not.toMatch(/getByLabel\('(Base URL|Topic|Queues|Users)'\)/);
    }
  });
});
