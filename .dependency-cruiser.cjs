/**
 * strain's dependency rules (docs/architecture.md explains the rooms):
 * no circular imports; each room imports only rooms below it (data flows one way: profile ->
 * engine -> transport -> recorder -> sinks -> analysis -> reports); SQL stays in src/store.
 */

/** Rooms from the bottom up; a room may import its own rank's base (rank 0) and any lower rank. */
const ranks = [
  ['src/core', 'src/util', 'src/defaults.ts', 'src/errors.ts', 'src/paths.ts'],
  ['src/http', 'src/llm', 'src/recorder', 'src/store', 'src/analysis', 'src/demo'],
  ['src/thresholds'],
  ['src/profiles', 'src/verdict'],
  ['src/engine'],
  ['src/split', 'monitor'],
  ['src/k8s'],
  ['src/runner', 'src/reports', 'src/tui'],
  ['src/scheduler', 'src/distributed'],
  ['src/cli'],
];

const esc = (s) => s.replace(/[.]/g, '\\.');
const pathOf = (room) => (room.endsWith('.ts') ? `^${esc(room)}$` : `^${esc(room)}/`);

/** Each room: no imports of any room above it, nor of a sibling room of the same rank (rank 0 excepted). */
const layers = ranks.flatMap((rooms, rank) =>
  rooms.flatMap((room) => {
    const above = ranks.slice(rank + 1).flat();
    const siblings = rank === 0 ? [] : rooms.filter((r) => r !== room);
    if (above.length + siblings.length === 0) return [];
    return {
      name: `layer-${room.replace(/[/.]/g, '-')}`,
      comment: `${room} (rank ${rank}) imports only lower rooms: not ${[...siblings, ...above].join(', ')}`,
      severity: 'error',
      from: { path: pathOf(room) },
      to: { path: [...siblings, ...above].map(pathOf) },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: split what both need into a lower module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sql-only-in-store',
      comment: 'Only src/store speaks SQL: others get typed rows from its classes.',
      severity: 'error',
      from: { pathNot: '^src/store/' },
      to: { path: 'node_modules/better-sqlite3/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-internals',
      comment: 'The schema and its migrations are the store\'s own.',
      severity: 'error',
      from: { pathNot: '^(src/store|test)/' },
      to: { path: '^src/store/migrations\\.ts$' },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Product code never imports tests, benches or their helpers.',
      severity: 'error',
      from: { path: '^(src|monitor)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-orphans',
      comment: 'A module nobody imports is dead code or a missing entry point.',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$', '^test/', '^bench/', '^bin/'] },
      to: {},
    },
    ...layers,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
