import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../paths';
import { profileSchema } from './schema';

/** The JSON text of the profile schema, as committed in profiles/ for editors. */
export function schemaFileText(): string {
  return `${JSON.stringify(profileSchema, null, 2)}\n`;
}

export const SCHEMA_FILE = join(PROFILES_DIR, 'strain-profile.schema.json');

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
