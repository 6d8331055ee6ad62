import { join } from 'node:path';

/** The project root (dist/src is two levels below it once compiled). */
export const ROOT = join(__dirname, '..', '..');
/** The CLI entry, for the processes strain starts itself (demo target, daemons, scheduled runs). */
export const STRAIN_BIN = join(ROOT, 'bin', 'strain.js');
export const PROFILES_DIR = join(ROOT, 'profiles');
