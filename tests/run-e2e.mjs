// `npm run e2e`: the end-to-end suites against the Grafana at GRAFANA_URL (docs/e2e.md):
//   api      node's test runner over tests/api: Grafana's HTTP API, Live and alerting on the plugin
//   browser  Playwright with @grafana/plugin-e2e: the config page and the query editor
//   ha       tests/ha: two replicas of one Grafana (GRAFANA_URL and GRAFANA_URL_B); it says
//            it was skipped when GRAFANA_URL_B is unset
//   soak     tests/soak: SOAK_MINUTES (30) of streaming through faults; never run by default
// E2E_SUITES picks some (default "api,browser,ha"). Without GRAFANA_URL there is nothing to test
// against, so both are reported as skipped (exit 0) instead of failing on a machine without
// a Grafana server.
import { spawnSync } from 'node:child_process';

const suites = (process.env.E2E_SUITES ?? 'api,browser,ha').split(',').map((s) => s.trim());
if (!process.env.GRAFANA_URL) {
  console.log(`e2e skipped (${suites.join(', ')}): set GRAFANA_URL to run against a Grafana server`);
  process.exit(0);
}
const commands = {
  // one file at a time: the files share the simulator, and its faults are global
  api: ['node', ['--test', '--test-concurrency=1', 'tests/api/']],
  browser: ['npx', ['playwright', 'test', ...process.argv.slice(2)]],
  ha: ['node', ['--test', '--test-concurrency=1', 'tests/ha/']],
  soak: ['node', ['--test', '--test-concurrency=1', 'tests/soak/']],
};
// The suites inject faults into the simulator (502s, dropped sockets, stopped traffic);
// a run that ends early (a failed assertion in a before hook, Ctrl-C, a killed runner)
// must not leave the simulator broken for the next run or the demo: clear them before
// and after every suite, and on SIGINT/SIGTERM.
const simURL = (process.env.SIMULATOR_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
async function clearSimulator() {
  const calls = [
    ['DELETE', '/_sim/faults/http'],
    ['POST', '/_sim/faults/drop', { upgrades: 0, afterMessages: 0, all: false }],
    ['POST', '/_sim/heartbeats?on=true'],
    ['POST', '/_sim/pongs?on=true'],
  ];
  for (const [method, path, body] of calls) {
    await fetch(simURL + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5_000),
    }).catch((e) => console.warn(`clearing the simulator (${method} ${path}): ${e.message}`));
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await clearSimulator();
    process.exit(130);
  });
}
for (const name of suites) {
  if (!commands[name]) {
    console.error(`unknown e2e suite ${name}: use ${Object.keys(commands).join(', ')}`);
    process.exit(2);
  }
  console.log(`e2e ${name} against ${process.env.GRAFANA_URL}`);
  const [cmd, args] = commands[name];
  await clearSimulator();
  const run = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  await clearSimulator();
  if (run.status !== 0) {
    process.exit(run.status ?? 1);
  }
}
