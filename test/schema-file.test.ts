import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCHEMA_FILE, schemaFileText } from '../src/profiles/write-schema';

test('the committed editor schema is the schema the validator uses (npm run schema rewrites it)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), schemaFileText());
});
