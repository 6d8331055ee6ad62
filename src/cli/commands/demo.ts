import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CannotRunError, type ExitCodeValue } from '../../errors';
import { PROFILES_DIR, STRAIN_BIN } from '../../paths';
import { parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';
import { runCommand } from './run';

const DEMO_PROFILE = join(PROFILES_DIR, 'demo.yaml');
const LLM_PROFILE = join(PROFILES_DIR, 'llm.yaml');

/** Starts `strain target` as its own process (so it can be monitored like a real service). */
export async function spawnDemoTarget(knobArgs: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [STRAIN_BIN, 'target', '--port', '0', ...knobArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (text) => {
      const match = /listening on (\S+)/.exec(text);
      if (match) resolve(match[1]);
      else reject(new CannotRunError('STRAIN_DEMO', `demo target said: ${text}`));
    });
    child.once('exit', (code) => reject(new CannotRunError('STRAIN_DEMO', `demo target exited with code ${code}`)));
  });
  return { child, url };
}

/** `strain demo`: the demo target plus a short profile against it. */
export async function demoCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseCommandArgs('demo', argv, { db: { type: 'string' }, 'no-tui': { type: 'boolean' }, duration: { type: 'string' }, llm: { type: 'boolean' } });
  // --llm: the target's OpenAI-compatible mode and profiles/llm.yaml (16 slots, TTFT 80 ms, 15 ms per token).
  const knobs = values.llm ? ['--llm', '--ttft', '80ms', '--tpot', '15ms', '--slots', '16'] : ['--service-ms', '2', '--error-rate', '0.001', '--leak-kb', '2'];
  const profile = values.llm ? LLM_PROFILE : DEMO_PROFILE;
  const { child, url } = await spawnDemoTarget(knobs);
  line(io.stderr, `demo target (pid ${child.pid}) at ${url}; running ${profile}`);
  try {
    // The demo watches its own target too, so the dashboard shows CPU and RSS next to latency.
    const args = [profile, '--target', url, '--monitor', `pid:${child.pid}`];
    if (values.db) args.push('--db', values.db);
    if (values.duration) args.push('--duration', values.duration);
    if (values['no-tui']) args.push('--no-tui');
    return await runCommand(args, io);
  } finally {
    child.kill('SIGTERM');
  }
}
