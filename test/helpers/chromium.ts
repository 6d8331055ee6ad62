import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Headless Chromium, as this workplace runs it: no sandbox (root), no background networking. */
export function screenshot(url: string, out: string, width = 1000, height = 2400): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
        `--screenshot=${out}`,
        `--window-size=${width},${height}`,
        url,
      ],
      { timeout: 60_000 },
      (err) => (err && !existsSync(out) ? reject(err) : resolve()),
    );
  });
}
