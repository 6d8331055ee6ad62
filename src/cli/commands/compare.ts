import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { compareFigures, compareWarnings, defaultLimits, figuresOf } from '../../reports/compare';
import { openDb } from '../../store/db';
import { RunStore } from '../../store/runs';
import { nonNegativeNumber, parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';
import { printable } from '../../util/format';

export const compareUsage =
  'strain compare BASE CAND [--json] [--max-p95 PCT] [--max-p99 PCT] [--max-throughput-drop PCT] [--max-error-rate PTS] [--max-capacity-drop PCT] [--max-recovery-rise S] [--max-ttft-p95 PCT] [--max-tokens-drop PCT] [--db FILE]';

const fmt = (x: number | null) => (x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/** Regression gate: exit 1 when the candidate run is worse than the base beyond the limits. */
export async function compareCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    json: { type: 'boolean' },
    db: { type: 'string' },
    'max-p95': { type: 'string' },
    'max-p99': { type: 'string' },
    'max-throughput-drop': { type: 'string' },
    'max-error-rate': { type: 'string' },
    'max-capacity-drop': { type: 'string' },
    'max-recovery-rise': { type: 'string' },
    'max-ttft-p95': { type: 'string' },
    'max-tokens-drop': { type: 'string' },
  });
  if (positionals.length !== 2) throw new UsageError(`usage: ${compareUsage}`);
  const limits = {
    p95IncreasePct: nonNegativeNumber(values['max-p95']?.replace(/%$/, ''), 'max-p95') ?? defaultLimits.p95IncreasePct,
    p99IncreasePct: nonNegativeNumber(values['max-p99']?.replace(/%$/, ''), 'max-p99'),
    throughputDropPct: nonNegativeNumber(values['max-throughput-drop']?.replace(/%$/, ''), 'max-throughput-drop') ?? defaultLimits.throughputDropPct,
    errorRateIncreasePts: nonNegativeNumber(values['max-error-rate'], 'max-error-rate') ?? defaultLimits.errorRateIncreasePts,
    capacityDropPct: nonNegativeNumber(values['max-capacity-drop']?.replace(/%$/, ''), 'max-capacity-drop') ?? defaultLimits.capacityDropPct,
    recoveryRiseS: nonNegativeNumber(values['max-recovery-rise']?.replace(/s$/, ''), 'max-recovery-rise') ?? defaultLimits.recoveryRiseS,
    ttftP95IncreasePct: nonNegativeNumber(values['max-ttft-p95']?.replace(/%$/, ''), 'max-ttft-p95') ?? defaultLimits.ttftP95IncreasePct,
    tokensDropPct: nonNegativeNumber(values['max-tokens-drop']?.replace(/%$/, ''), 'max-tokens-drop') ?? defaultLimits.tokensDropPct,
  };
  const db = openDb(values.db ?? defaults.db);
  try {
    const runs = new RunStore(db);
    const [base, cand] = positionals.map((ref) => {
      const run = runs.getRun(ref);
      if (!run) throw new UsageError(`no run ${ref} in this database (see strain runs)`);
      return run;
    });
    const a = figuresOf(db, base);
    const b = figuresOf(db, cand);
    const { rows, regressions } = compareFigures(a, b, limits);
    const warnings = compareWarnings(base, cand);
    for (const w of warnings) line(io.stderr, `warning: ${w}`);
    if (values.json) {
      line(io.stdout, JSON.stringify({ base: a, candidate: b, limits, rows, regressed: regressions.length > 0, regressions, warnings }, null, 2));
    } else {
      line(io.stdout, printable(`compare run ${a.id} (${a.profile}) → run ${b.id} (${b.profile})`));
      line(io.stdout, ['metric', 'base', 'candidate', 'change', 'limit', ''].join('\t'));
      for (const r of rows) line(io.stdout, [r.metric, fmt(r.base), fmt(r.candidate), r.change, r.limit, r.regressed ? 'REGRESSED' : ''].join('\t'));
      line(io.stdout, printable(regressions.length ? `regressed: ${regressions.join('; ')}` : 'no regression beyond the limits'));
    }
    return regressions.length ? ExitCode.failed : ExitCode.passed;
  } finally {
    db.close();
  }
}
