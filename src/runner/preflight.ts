import { socketHost } from '../core/net';
import { connect } from 'node:net';
import { CannotRunError } from '../errors';
import { redactUrl } from '../util/secrets';

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing is listening there)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** Opens one TCP connection to the target so a run that cannot work fails fast with exit 3. */
export async function checkReachable(target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = socketHost(url);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (cause: string) => {
      socket.destroy();
      reject(new CannotRunError('STRAIN_TARGET_UNREACHABLE', `target ${redactUrl(target)} is unreachable: ${cause}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(CAUSES[err.code ?? ''] ?? `${err.message}`));
  });
}
