import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { strain, tempDir, writeProfile } from './helpers/cli';

/* eslint-disable @typescript-eslint/no-require-imports */
// kubernetes-models ships the Kubernetes OpenAPI schemas as validators, one class per kind.
const models: Record<string, Record<string, new (o: object) => { validate(): void }>> = {
  v1: require('kubernetes-models/v1'),
  'batch/v1': require('kubernetes-models/batch/v1'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; [key: string]: unknown };

function validate(doc: Manifest): void {
  const Model = models[doc.apiVersion]?.[doc.kind];
  assert.ok(Model, `a schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate();
}

const profileText = [
  'name: Checkout Soak',
  'kind: load',
  'target: http://127.0.0.1:3000',
  'load: { model: open, rate: 400, duration: 30s }',
  'data: { file: ../rows/users.csv }',
  'scenario: [{ request: { path: "/u/{{id}}", headers: { authorization: "Bearer {{env.API_TOKEN}}" } } }]',
].join('\n');

test('strain k8s prints a ConfigMap, Secret, Service, coordinator Job and Indexed agent Job that pass the Kubernetes schemas', async () => {
  const dir = tempDir();
  const rows = join(dir, 'rows');
  mkdirSync(rows);
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(rows, 'users.csv'), 'id\n1\n2\n3\n');
  const file = writeProfile(join(dir, 'p'), 'soak.yaml', profileText);
  // API_TOKEN is not set here: secrets are the agents' business, never the coordinator's.
  const r = await strain([
    'k8s',
    file,
    '--agents',
    '3',
    '--image',
    'registry.example/strain:1',
    '--namespace',
    'perf',
    '--agent-cpu',
    '2',
    '--agent-memory',
    '2Gi',
    '--agent-env-secret',
    'api-secrets',
    '--duration',
    '1m',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
  assert.deepEqual(
    docs.map((d) => d.kind),
    ['ConfigMap', 'Secret', 'Service', 'Job', 'Job'],
  );
  for (const doc of docs) validate(doc);
  for (const doc of docs) assert.equal(doc.metadata.namespace, 'perf');
  assert.deepEqual(
    docs.map((d) => d.metadata.name),
    ['checkout-soak-profile', 'checkout-soak-token', 'checkout-soak-coordinator', 'checkout-soak-coordinator', 'checkout-soak-agents'],
  );

  const [configMap, secret, service, coordinator, agents] = docs as Record<string, any>[];
  // The profile is mounted with its data file beside it, under the base name it now points at.
  assert.equal(configMap.data['users.csv'], 'id\n1\n2\n3\n');
  assert.match(configMap.data['soak.yaml'], /file: users\.csv/);
  assert.match(secret.stringData.token, /^[0-9a-f]{48}$/);
  assert.equal(service.spec.ports[0].port, 7300);
  assert.deepEqual(service.spec.selector, coordinator.spec.template.metadata.labels);

  const c = coordinator.spec.template.spec.containers[0];
  assert.deepEqual(c.args.slice(0, 4), ['coordinate', '/strain/profile/soak.yaml', '--agents', '3']);
  assert.ok(c.args.includes('--json') && c.args.join(' ').includes('--duration 1m'));
  assert.equal(c.env[0].valueFrom.secretKeyRef.name, 'checkout-soak-token');

  assert.equal(agents.spec.completionMode, 'Indexed');
  assert.equal(agents.spec.completions, 3);
  assert.equal(agents.spec.parallelism, 3);
  const a = agents.spec.template.spec.containers[0];
  assert.deepEqual(a.args, ['agent', '--coordinator', 'http://checkout-soak-coordinator.perf.svc:7300', '--name', '$(POD_NAME)']);
  assert.deepEqual(a.resources, { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } });
  assert.deepEqual(a.envFrom, [{ secretRef: { name: 'api-secrets' } }]);
  // The coordinator never gets the user's secrets.
  assert.equal(c.envFrom, undefined);
});

test('strain k8s refuses bad arguments with the value and what is accepted, exit 2', async () => {
  const dir = tempDir();
  const file = writeProfile(dir, 'p.yaml', profileText.replace('data: { file: ../rows/users.csv }\n', ''));
  const cases: [string[], RegExp][] = [
    [['k8s', file, '--image', 'x'], /--agents: required/],
    [['k8s', file, '--agents', '0', '--image', 'x'], /--agents: must be a positive integer \(got "0"\)/],
    [['k8s', file, '--agents', '2'], /--image: required/],
    [['k8s', file, '--agents', '2', '--image', 'x', '--agent-memory', 'lots'], /--agent-memory: "lots" is not a Kubernetes quantity/],
    [['k8s', file, '--agents', '2', '--image', 'x', '--namespace', 'Perf_NS'], /--namespace: "Perf_NS" is not a DNS-1123 label/],
    [['k8s', file, '--agents', '2000', '--image', 'x'], /--agents: 2000 is above the limit of 1000/],
    [['k8s', file, '--agents', '2', '--image', 'bad image'], /--image: "bad image" is not an image reference/],
    [['k8s', file, '--agents', '2', '--image', 'x', '--agent-cpu', '0'], /--agent-cpu: "0" gives the agents nothing/],
    [['k8s', file, '--agents', '2', '--image', 'x', '--name', 'Perf!'], /--name: "Perf!" is not a DNS-1123 label/],
    [['k8s', file, '--agents', '2', '--image', 'x', '--agent-env-secret', 'My Secret'], /--agent-env-secret: "My Secret" is not a Secret name/],
    [['k8s', join(dir, 'missing.yaml'), '--agents', '2', '--image', 'x'], /no such file/],
  ];
  for (const [args, message] of cases) {
    const r = await strain(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  }
  // A fractional rate is one `strain coordinate --rate` takes.
  const plain = writeProfile(
    dir,
    'plain.yaml',
    'name: plain\nkind: load\ntarget: http://127.0.0.1:1\nscenario: [{ request: { path: / } }]\nload: { model: open, rate: 5, duration: 2s }\n',
  );
  const fractional = await strain(['k8s', plain, '--agents', '2', '--image', 'x', '--rate', '0.5']);
  assert.equal(fractional.code, 0, fractional.stderr);
  assert.match(fractional.stdout, /--rate/);
});
