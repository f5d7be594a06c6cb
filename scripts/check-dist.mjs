// `npm run check:dist`: checks that dist/ is a plugin Grafana would load — the things
// Grafana itself looks at when it scans a plugin folder — so a broken build fails CI
// instead of failing on a user's Grafana.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const problems = [];
const need = (cond, what) => cond || problems.push(what);

const pluginPath = join(dist, 'plugin.json');
let plugin = {};
if (!existsSync(pluginPath)) {
  problems.push(`${pluginPath} is missing: run npm run build`);
} else {
  try {
    plugin = JSON.parse(readFileSync(pluginPath, 'utf8'));
  } catch (e) {
    problems.push(`${pluginPath} is not valid JSON: ${e.message}`);
  }
}
need(plugin.id === 'cxlive-genesyscloud-datasource', `plugin.json id is ${plugin.id}, want cxlive-genesyscloud-datasource`);
need(plugin.type === 'datasource', 'plugin.json type must be datasource');
for (const flag of ['backend', 'alerting', 'streaming']) {
  need(plugin[flag] === true, `plugin.json must declare "${flag}": true`);
}
need(!String(plugin.info?.version ?? '').includes('%'), 'plugin.json version placeholder was not filled in by the build');
need(Boolean(plugin.dependencies?.grafanaDependency), 'plugin.json needs dependencies.grafanaDependency');
for (const logo of [plugin.info?.logos?.small, plugin.info?.logos?.large]) {
  need(logo && existsSync(join(dist, logo)), `logo ${logo} is missing from ${dist}`);
}
need(existsSync(join(dist, 'module.js')) && statSync(join(dist, 'module.js')).size > 1000, 'dist/module.js is missing or empty');
need(existsSync(join(dist, 'README.md')), 'dist/README.md is missing (Grafana shows it on the plugin page)');

const exe = join(dist, `${plugin.executable}_linux_amd64`);
if (!plugin.executable) {
  problems.push('plugin.json has no executable');
} else if (!existsSync(exe)) {
  problems.push(`${exe} is missing: run go tool mage -v (or build:linux)`);
} else {
  try {
    accessSync(exe, constants.X_OK);
  } catch {
    problems.push(`${exe} is not executable`);
  }
}

if (problems.length > 0) {
  console.error('dist check failed:\n - ' + problems.join('\n - '));
  process.exit(1);
}
console.log(`dist check: ${dist}/ holds ${plugin.id} ${plugin.info.version} with module.js and ${plugin.executable}_linux_amd64`);
