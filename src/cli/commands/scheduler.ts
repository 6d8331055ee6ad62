import { resolve } from 'node:path';
import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { Scheduler } from '../../scheduler/scheduler';
import { openDb } from '../../store/db';
import { parseCommandArgs } from '../args';
import { runningDaemon, startDaemon, stopDaemon } from '../daemon';
import { line, untilStopSignal, type CliIo } from '../io';

export const schedulerUsage = 'strain scheduler [--db FILE]   |   strain scheduler start [--db FILE] [--pidfile F] [--log F] | stop [--pidfile F] | status [--pidfile F]';

/** `strain scheduler`: fires schedules until SIGTERM; or start/stop/status it in the background. */
export async function schedulerCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('scheduler', argv, { db: { type: 'string' }, pidfile: { type: 'string' }, log: { type: 'string' } });
  const action = positionals[0];
  if (positionals.length > 1 || (action !== undefined && !['start', 'stop', 'status'].includes(action))) throw new UsageError(`usage: ${schedulerUsage}`);
  const pidfile = values.pidfile ?? defaults.scheduler.pidfile;
  if (action === 'start') {
    const args = values.db ? ['--db', values.db] : [];
    const pid = await startDaemon({
      command: 'scheduler',
      args,
      pidfile,
      log: values.log ?? defaults.scheduler.log,
      ready: (p) => `scheduler (pid ${p}) running`,
      details: { db: resolve(values.db ?? defaults.db) },
      timeoutMs: defaults.scheduler.startTimeoutMs,
    });
    line(io.stdout, `scheduler started (pid ${pid}); log ${resolve(values.log ?? defaults.scheduler.log)}`);
    return ExitCode.passed;
  }
  if (action === 'stop') {
    line(io.stdout, await stopDaemon(pidfile, 'scheduler', defaults.scheduler.stopTimeoutMs));
    return ExitCode.passed;
  }
  if (action === 'status') {
    const running = runningDaemon(pidfile, 'scheduler');
    line(io.stdout, running ? `scheduler running (pid ${running.pid}) since ${running.startedAt}, db ${String(running.db)}` : 'no scheduler running');
    return running ? ExitCode.passed : ExitCode.cannotRun;
  }
  const dbPath = resolve(values.db ?? defaults.db);
  const db = openDb(dbPath);
  const log = (text: string) => line(io.stdout, `${new Date().toISOString()} ${text}`);
  const scheduler = new Scheduler({ db, dbPath, env: io.env, log });
  scheduler.start();
  log(`scheduler (pid ${process.pid}) running on ${dbPath}`);
  await untilStopSignal();
  log('stopping: the job in progress (if any) is stopped and stored as aborted');
  await scheduler.stop();
  db.close();
  log('scheduler stopped');
  return ExitCode.passed;
}
