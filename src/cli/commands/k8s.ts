import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { dnsName, k8sManifests } from '../../k8s/manifests';
import { loadProfile } from '../../profiles/load';
import { agentsEnv } from '../../profiles/resolve';
import { parseCommandArgs, positiveInt, positiveNumber, tokenArgumentWarning } from '../args';
import { line, type CliIo } from '../io';

export const k8sUsage =
  'strain k8s PROFILE --agents N --image IMAGE [--namespace NS] [--name NAME] [--token T] [--agent-cpu CPU] [--agent-memory MEM] [--agent-env-secret SECRET] [--duration D] [--rate N] [--vus N] [--target URL]';

/** A ConfigMap holds at most 1 MiB; leave room for the YAML around the files. */
const configMapLimitBytes = 900 * 1024;
/** Printable ASCII without spaces; the registry and kubelet judge the rest. */
const imageReference = /^[!-~]{1,4096}$/;
const secretName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const quantity = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

function resourceQuantity(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!quantity.test(value)) throw new UsageError(`--${name}: "${value}" is not a Kubernetes quantity (e.g. 500m, 2, 512Mi, 1Gi)`);
  if (parseFloat(value) === 0) throw new UsageError(`--${name}: "${value}" gives the agents nothing to run on (e.g. 500m, 2, 512Mi, 1Gi)`);
  return value;
}

/** The profile as mounted in the pods: a data file is mounted beside it, so it is named by its base name. */
function mountedProfileText(path: string, dataFileName: string | undefined): string {
  const text = readFileSync(path, 'utf8');
  if (!dataFileName) return text;
  const doc = parseDocument(text);
  doc.setIn(['data', 'file'], dataFileName);
  return path.toLowerCase().endsWith('.json') ? JSON.stringify(doc.toJS(), null, 2) : doc.toString();
}

/** `strain k8s`: prints the manifests of a distributed run for `kubectl apply -f -`. */
export async function k8sCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('k8s', argv, {
    agents: { type: 'string' },
    image: { type: 'string' },
    namespace: { type: 'string' },
    name: { type: 'string' },
    token: { type: 'string' },
    'agent-cpu': { type: 'string' },
    'agent-memory': { type: 'string' },
    'agent-env-secret': { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    vus: { type: 'string' },
    target: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`usage: ${k8sUsage}`);
  if (values.token !== undefined) line(io.stderr, tokenArgumentWarning('STRAIN_COORDINATOR_TOKEN'));
  const agents = positiveInt(values.agents, 'agents');
  if (agents === undefined) throw new UsageError('--agents: required (how many agent pods generate the load, e.g. --agents 4)');
  if (agents > defaults.coordinator.maxAgents) throw new UsageError(`--agents: ${agents} is above the limit of ${defaults.coordinator.maxAgents}`);
  if (!values.image) throw new UsageError("--image: required (the image built from the repository's Dockerfile, e.g. --image registry.example.com/strain:1)");
  if (!imageReference.test(values.image)) throw new UsageError(`--image: "${values.image}" is not an image reference (e.g. registry.example.com/strain:1)`);
  if (values.name !== undefined && dnsName(values.name) !== values.name)
    throw new UsageError(`--name: "${values.name}" is not a DNS-1123 label of at most 40 characters (lower case letters, digits and -)`);
  const secret = values['agent-env-secret'];
  if (secret !== undefined && !secretName.test(secret)) throw new UsageError(`--agent-env-secret: "${secret}" is not a Secret name (lower case letters, digits, - and .)`);
  const namespace = values.namespace ?? 'default';
  if (dnsName(namespace) !== namespace) throw new UsageError(`--namespace: "${namespace}" is not a DNS-1123 label (lower case letters, digits and -)`);
  const cpu = resourceQuantity(values['agent-cpu'], 'agent-cpu', '1');
  const memory = resourceQuantity(values['agent-memory'], 'agent-memory', '1Gi');
  const path = positionals[0];
  // Validated here so a broken profile fails before anything reaches the cluster.
  const profile = loadProfile(
    path,
    { duration: values.duration, target: values.target, rate: positiveNumber(values.rate, 'rate'), vus: positiveInt(values.vus, 'vus') },
    agentsEnv,
  );
  const dataFiles = profile.data ? [{ fileName: basename(profile.data.file), text: readFileSync(profile.data.file, 'utf8') }] : [];
  const profileFile = { fileName: basename(path), text: mountedProfileText(path, dataFiles[0]?.fileName) };
  const bytes = [profileFile, ...dataFiles].reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  if (bytes > configMapLimitBytes) {
    throw new UsageError(
      `${path}: the profile and its data file are ${Math.round(bytes / 1024)} KiB; a ConfigMap holds at most ${configMapLimitBytes / 1024} KiB (bake larger data files into the image)`,
    );
  }
  const coordinateArgs: string[] = [];
  for (const key of ['duration', 'rate', 'vus', 'target'] as const) if (values[key] !== undefined) coordinateArgs.push(`--${key}`, String(values[key]));
  const manifests = k8sManifests({
    name: dnsName(values.name ?? profile.name),
    namespace,
    image: values.image,
    agents,
    profile: profileFile,
    dataFiles,
    token: values.token ?? io.env.STRAIN_COORDINATOR_TOKEN ?? randomBytes(24).toString('hex'),
    coordinateArgs,
    // Requests equal to limits: the agents get the Guaranteed QoS class, so a generator is not
    // throttled below what it was promised in the middle of a measurement.
    agentRequests: { cpu, memory },
    agentLimits: { cpu, memory },
    agentEnvSecret: values['agent-env-secret'],
  });
  line(
    io.stdout,
    manifests
      .map((m) => stringify(m, { lineWidth: 0 }))
      .join('---\n')
      .trimEnd(),
  );
  return ExitCode.passed;
}
