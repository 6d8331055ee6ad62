import { ExitCode, StrainError, UsageError, type ExitCodeValue } from '../errors';
import { join } from 'node:path';
import { ROOT } from '../paths';
import { closest } from '../util/suggest';
import { analyzeCommand } from './commands/analyze';
import { compareCommand, compareUsage } from './commands/compare';
import { reportCommand, reportUsage } from './commands/report';
import { trendCommand } from './commands/trend';
import { demoCommand } from './commands/demo';
import { monitorCommand, monitorUsage } from './commands/monitor';
import { runCommand, runUsage } from './commands/run';
import { runsCommand } from './commands/runs';
import { scheduleCommand, scheduleUsage } from './commands/schedule';
import { schedulerCommand, schedulerUsage } from './commands/scheduler';
import { targetCommand } from './commands/target';
import { validateCommand } from './commands/validate';
import { watchCommand } from './commands/watch';
import { line, processIo, type CliIo } from './io';

type Command = { run: (argv: string[], io: CliIo) => Promise<ExitCodeValue>; usage: string; about: string };

const commands: Record<string, Command> = {
  run: { run: runCommand, usage: runUsage, about: 'run a profile (plain progress lines; --json prints the summary)' },
  validate: { run: validateCommand, usage: 'strain validate PROFILE...', about: 'check profiles; lists every problem with its path' },
  runs: { run: runsCommand, usage: 'strain runs [--json] [--limit N] [--db FILE]', about: 'list stored runs, newest first' },
  monitor: { run: monitorCommand, usage: monitorUsage, about: 'sample a target process and the host into the store; serve them over HTTP' },
  watch: { run: watchCommand, usage: 'strain watch [RUN] [--db FILE]', about: 'the live dashboard for a run written by another process (or a finished one)' },
  analyze: { run: analyzeCommand, usage: 'strain analyze RUN [--json] [--db FILE]', about: 'recompute and show a run\'s findings (leak, breaking point, recovery, correlation)' },
  report: { run: reportCommand, usage: reportUsage, about: 'export a run: self-contained HTML with charts, markdown, CSV, JSON, JUnit' },
  compare: { run: compareCommand, usage: compareUsage, about: 'regression gate between two runs (exit 1 on regression)' },
  trend: { run: trendCommand, usage: 'strain trend PROFILE-NAME [--json] [--limit N] [--db FILE]', about: 'one profile\'s runs over time' },
  schedule: { run: scheduleCommand, usage: scheduleUsage, about: 'recurring runs (cron), kept in the store' },
  scheduler: { run: schedulerCommand, usage: schedulerUsage, about: 'fire schedules (foreground, or start/stop/status in the background)' },
  target: {
    run: targetCommand,
    usage: 'strain target [--port P] [--leak-kb N] [--garbage-kb N] [--cache-kb N --cache-entries M] [--capacity RPS [--queue N]] [--service-ms N] [--stall-ms M --stall-every D] [--error-rate R]',
    about: 'the built-in demo target with knobs',
  },
  demo: { run: demoCommand, usage: 'strain demo [--duration D] [--db FILE]', about: 'demo target plus a short profile against it' },
};

export function usageText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'strain: load, stress, spike and soak testing with target monitoring',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}\n  ${' '.repeat(width)}  ${c.usage}`),
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
    line(io.stdout, require(join(ROOT, 'package.json')).version);
    return ExitCode.passed;
  }
  try {
    const command = commands[name];
    if (!command) {
      const hint = closest(name, Object.keys(commands));
      throw new UsageError(`unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${Object.keys(commands).join(', ')}`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      line(io.stdout, `usage: ${command.usage}`);
      return ExitCode.passed;
    }
    return await command.run(rest, io);
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
  runCli(argv, processIo()).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`strain: ${String(err)}\n`);
      process.exit(ExitCode.cannotRun);
    },
  );
}
