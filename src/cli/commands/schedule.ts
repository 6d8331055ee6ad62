import { resolve } from 'node:path';
import cron from 'node-cron';
import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { loadProfile } from '../../profiles/load';
import { openDb } from '../../store/db';
import { ScheduleStore } from '../../store/schedules';
import { formatDuration } from '../../util/duration';
import { durationMs, parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';

export const scheduleUsage =
  'strain schedule add --name N --cron EXPR PROFILE [--tz ZONE] [--max-duration D] [--on-fail CMD] [--on-fail-url URL]\n' +
  '  strain schedule list [--json] | remove N | enable N | disable N   (all take --db FILE)';

/** What each cron field accepts, in words (node-cron says "61 is a invalid expression for minute"). */
const CRON_FIELDS: Record<string, string> = {
  second: 'second: 0-59',
  minute: 'minute: 0-59',
  hour: 'hour: 0-23',
  dayOfMonth: 'day of month: 1-31',
  month: 'month: 1-12 or jan-dec',
  dayOfWeek: 'weekday: 0-7 or sun-sat, 0 and 7 both Sunday',
};

function checkCron(expr: string): void {
  const check = cron.validateDetailed(expr);
  const fields = expr.trim().split(/\s+/).length;
  if (!check.valid || (fields !== 5 && fields !== 6)) {
    const why = check.errors
      .map((e) => {
        const accepts = CRON_FIELDS[e.field];
        if (accepts && e.value !== undefined) return `"${e.value}" is not a valid ${accepts.replace(':', ' (accepts')})`;
        return `${e.field}${e.value !== undefined ? ` "${e.value}"` : ''}: ${e.message}`;
      })
      .join('; ');
    throw new UsageError(`--cron: "${expr}" is not a valid cron expression (5 fields "min hour day month weekday", or 6 with seconds first)${why ? `: ${why}` : ''}`);
  }
}

function checkTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UsageError(`--tz: "${zone}" is not a time zone (use an IANA name such as Europe/Berlin or UTC)`);
  }
}

async function add(values: Record<string, string | boolean | undefined>, positionals: string[], store: ScheduleStore, io: CliIo): Promise<ExitCodeValue> {
  const name = values.name as string | undefined;
  const expr = values.cron as string | undefined;
  if (!name || !expr || positionals.length !== 1) throw new UsageError(`usage: ${scheduleUsage.split('\n')[0]}`);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`--name: "${name}" may use letters, digits, . _ - (up to 64)`);
  checkCron(expr);
  if (values.tz) checkTimezone(values.tz as string);
  const maxDuration = durationMs(values['max-duration'] as string | undefined, 'max-duration');
  const url = values['on-fail-url'] as string | undefined;
  if (url && !/^https?:\/\//.test(url)) throw new UsageError(`--on-fail-url: "${url}" is not an http:// or https:// URL`);
  const profilePath = resolve(positionals[0]);
  loadProfile(profilePath, {}, io.env); // an unknown or invalid profile fails now, not at 01:00
  if (store.get(name)) throw new UsageError(`a schedule named ${name} exists; remove it first or pick another --name`);
  store.add({
    name,
    cron: expr,
    profile_path: profilePath,
    timezone: (values.tz as string) ?? null,
    max_duration_ms: maxDuration ?? null,
    on_fail_cmd: (values['on-fail'] as string) ?? null,
    on_fail_url: url ?? null,
  });
  const probe = cron.schedule(expr, () => undefined, { timezone: values.tz as string | undefined });
  const next = probe.getNextRun();
  await probe.destroy();
  line(
    io.stdout,
    `schedule ${name} added: ${expr}${values.tz ? ` (${values.tz})` : ''} runs ${profilePath}; next ${next?.toISOString() ?? 'never'} (run strain scheduler to fire it)`,
  );
  return ExitCode.passed;
}

function list(values: Record<string, string | boolean | undefined>, store: ScheduleStore, io: CliIo): ExitCodeValue {
  const rows = store.all().map((r) => {
    const last = store.lastRun(r.name);
    const skipped = store.events(r.name, 50).filter((e) => e.kind === 'schedule-skipped').length;
    return {
      name: r.name,
      cron: r.cron,
      timezone: r.timezone,
      profile: r.profile_path,
      enabled: r.enabled === 1,
      maxDuration: r.max_duration_ms === null ? null : formatDuration(r.max_duration_ms),
      onFail: r.on_fail_cmd,
      onFailUrl: r.on_fail_url,
      lastRun: last ? { id: last.id, status: last.status, startedAt: new Date(last.started_at).toISOString() } : null,
      recentSkips: skipped,
    };
  });
  if (values.json) line(io.stdout, JSON.stringify(rows, null, 2));
  else if (rows.length === 0) line(io.stdout, 'no schedules: strain schedule add --name nightly --cron "0 1 * * *" profiles/soak.yaml');
  else {
    line(io.stdout, ['name', 'cron', 'enabled', 'profile', 'last run', 'skips'].join('\t'));
    for (const r of rows)
      line(
        io.stdout,
        [r.name, r.cron + (r.timezone ? ` ${r.timezone}` : ''), r.enabled ? 'yes' : 'no', r.profile, r.lastRun ? `#${r.lastRun.id} ${r.lastRun.status}` : '-', r.recentSkips].join(
          '\t',
        ),
      );
  }
  return ExitCode.passed;
}

/** `strain schedule add|list|remove|enable|disable`: recurring runs, kept in the store. */
export async function scheduleCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseCommandArgs(`schedule ${action ?? ''}`.trim(), rest, {
    name: { type: 'string' },
    cron: { type: 'string' },
    tz: { type: 'string' },
    'max-duration': { type: 'string' },
    'on-fail': { type: 'string' },
    'on-fail-url': { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string' },
  });
  if (!['add', 'list', 'remove', 'enable', 'disable'].includes(action ?? '')) throw new UsageError(`usage: ${scheduleUsage}`);
  const db = openDb(values.db ?? defaults.db);
  try {
    const store = new ScheduleStore(db);
    if (action === 'add') return await add(values, positionals, store, io);
    if (action === 'list') return list(values, store, io);
    if (positionals.length !== 1) throw new UsageError(`usage: strain schedule ${action} NAME`);
    const name = positionals[0];
    const ok = action === 'remove' ? store.remove(name) : store.enable(name, action === 'enable');
    if (!ok) throw new UsageError(`no schedule named ${name} (see strain schedule list)`);
    line(io.stdout, `schedule ${name} ${action === 'remove' ? 'removed' : `${action}d`}`);
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
