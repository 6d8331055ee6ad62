import { hostname } from 'node:os';
import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { runAgent } from '../../distributed/agent';
import { printable } from '../../util/format';
import { durationMs, parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';

export const agentUsage = 'strain agent --coordinator URL [--token T] [--name NAME] [--index N] [--join-wait D]';

/**
 * `strain agent`: generates one segment of a coordinated run. Exit 0 when its part is done,
 * 3 when the coordinator refused it or it could not run (wrong token, profile or target).
 */
export async function agentCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('agent', argv, {
    coordinator: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    index: { type: 'string' },
    'join-wait': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`usage: ${agentUsage} (the profile comes from the coordinator)`);
  if (!values.coordinator) throw new UsageError('--coordinator: required (the URL `strain coordinate` printed, e.g. http://10.0.0.5:7300)');
  let url: URL;
  try {
    url = new URL(values.coordinator);
  } catch {
    throw new UsageError(`--coordinator: "${values.coordinator}" is not a URL (e.g. http://127.0.0.1:${defaults.coordinator.port})`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--coordinator: "${values.coordinator}" must be an http:// URL`);
  // Under an Indexed Job the pod's completion index is the agent's index.
  const indexText = values.index ?? io.env.JOB_COMPLETION_INDEX;
  const index = indexText === undefined ? undefined : Number(indexText);
  if (index !== undefined && (!Number.isInteger(index) || index < 0)) throw new UsageError(`--index: "${indexText}" is not an index (0, 1, 2, ...)`);
  if (values.token !== undefined) line(io.stderr, 'warning: --token is visible to other users of this machine (ps); set STRAIN_COORDINATOR_TOKEN instead');
  // SIGINT/SIGTERM (Ctrl-C, a pod being deleted): stop the load, hand over the last figures, exit 130.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    line(io.stderr, `agent: ${signal}: stopping and handing over the last figures`);
    controller.abort(signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await runAgent({
    coordinator: url,
    token: values.token ?? io.env.STRAIN_COORDINATOR_TOKEN,
    name: values.name ?? `${hostname()}-${process.pid}`,
    index,
    env: io.env,
    joinWaitMs: durationMs(values['join-wait'] ?? defaults.coordinator.joinWait, 'join-wait')!,
    log: (text) => line(io.stderr, printable(`agent: ${text}`)),
    signal: controller.signal,
  }).finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  if (result.outcome === 'done') return ExitCode.passed;
  if (result.outcome === 'interrupted') return ExitCode.interrupted;
  line(io.stderr, printable(`strain agent: ${result.message}`));
  return ExitCode.cannotRun;
}
