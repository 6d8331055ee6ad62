import { ExitCode, StrainError, UsageError, type ExitCodeValue } from '../errors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths';
import { closest } from '../util/suggest';
import { line, processIo, type CliIo } from './io';

type CommandRun = (argv: string[], io: CliIo) => Promise<ExitCodeValue>;
type Command = { load: () => { run: CommandRun; usage: string }; about: string };

/*
 * Command modules load on demand: `strain run` need not load the dashboard, the reports or
 * the scheduler (measured: loading every module cost a quarter of a second of CPU per start).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const commands: Record<string, Command> = {
  run: { load: () => { const m = require('./commands/run'); return { run: m.runCommand, usage: m.runUsage }; }, about: 'run a profile (plain progress lines; --json prints the summary)' },
  validate: { load: () => ({ run: require('./commands/validate').validateCommand, usage: 'strain validate PROFILE...' }), about: 'check profiles; lists every problem with its path' },
  runs: { load: () => ({ run: require('./commands/runs').runsCommand, usage: 'strain runs [--json] [--limit N] [--db FILE]' }), about: 'list stored runs, newest first' },
  monitor: { load: () => { const m = require('./commands/monitor'); return { run: m.monitorCommand, usage: m.monitorUsage }; }, about: 'sample a target process and the host into the store; serve them over HTTP' },
  watch: { load: () => ({ run: require('./commands/watch').watchCommand, usage: 'strain watch [RUN] [--db FILE]' }), about: 'the live dashboard for a run written by another process (or a finished one)' },
  analyze: { load: () => ({ run: require('./commands/analyze').analyzeCommand, usage: 'strain analyze RUN [--json] [--db FILE]' }), about: 'recompute and show a run\'s findings (leak, breaking point, recovery, correlation)' },
  report: { load: () => { const m = require('./commands/report'); return { run: m.reportCommand, usage: m.reportUsage }; }, about: 'export a run: self-contained HTML with charts, markdown, CSV, JSON, JUnit' },
  compare: { load: () => { const m = require('./commands/compare'); return { run: m.compareCommand, usage: m.compareUsage }; }, about: 'regression gate between two runs (exit 1 on regression)' },
  trend: { load: () => ({ run: require('./commands/trend').trendCommand, usage: 'strain trend PROFILE-NAME [--json] [--limit N] [--db FILE]' }), about: 'one profile\'s runs over time' },
  schedule: { load: () => { const m = require('./commands/schedule'); return { run: m.scheduleCommand, usage: m.scheduleUsage }; }, about: 'recurring runs (cron), kept in the store' },
  scheduler: { load: () => { const m = require('./commands/scheduler'); return { run: m.schedulerCommand, usage: m.schedulerUsage }; }, about: 'fire schedules (foreground, or start/stop/status in the background)' },
  target: {
    load: () => ({
      run: require('./commands/target').targetCommand,
      usage: 'strain target [--port P] [--leak-kb N] [--garbage-kb N] [--cache-kb N --cache-entries M] [--capacity RPS [--queue N]] [--service-ms N] [--stall-ms M --stall-every D] [--error-rate R] [--llm [--ttft D] [--tpot D] [--slots N [--queue N]] [--output-tokens N]]',
    }),
    about: 'the built-in demo target with knobs',
  },
  k8s: { load: () => { const m = require('./commands/k8s'); return { run: m.k8sCommand, usage: m.k8sUsage }; }, about: 'print Kubernetes manifests for a distributed run (coordinator + Indexed Job of agents)' },
  demo: { load: () => ({ run: require('./commands/demo').demoCommand, usage: 'strain demo [--llm] [--duration D] [--db FILE]' }), about: 'demo target plus a short profile against it (--llm: an OpenAI-compatible LLM endpoint and profiles/llm.yaml)' },
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function usageText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'strain: load, stress, spike and soak testing with target monitoring',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}\n  ${' '.repeat(width)}  ${c.load().usage}`),
    '',
    'exit codes: 0 passed, 1 threshold failed, 2 bad usage or invalid profile, 3 could not run, 130 interrupted',
  ].join('\n');
}

/** Runs one command and returns its exit code; errors become messages, never stack traces. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    line(name === undefined ? io.stderr : io.stdout, usageText());
    return name === undefined ? ExitCode.usage : ExitCode.passed;
  }
  if (name === '--version') {
    line(io.stdout, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    return ExitCode.passed;
  }
  try {
    const command = commands[name];
    if (!command) {
      const hint = closest(name, Object.keys(commands));
      throw new UsageError(`unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${Object.keys(commands).join(', ')}`);
    }
    const loaded = command.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      line(io.stdout, `usage: ${loaded.usage}`);
      return ExitCode.passed;
    }
    return await loaded.run(rest, io);
  } catch (err) {
    if (err instanceof StrainError) {
      line(io.stderr, `strain: ${err.message}`);
      for (const detail of err.details) line(io.stderr, `  ${detail}`);
      return err.exitCode;
    }
    line(io.stderr, `strain: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return ExitCode.cannotRun;
  }
}

/** Process entry point: the only place strain exits the process. */
export function main(argv: string[]): void {
  runCli(argv, { ...processIo(), exit: (code) => process.exit(code) }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`strain: ${String(err)}\n`);
      process.exit(ExitCode.cannotRun);
    },
  );
}
