/**
 * Kubernetes manifests for a distributed run: the profile in a ConfigMap, the agents' token in
 * a Secret, the coordinator as a one-pod Job behind a Service, and the agents as an Indexed Job
 * (`completionMode: Indexed`: the pod's completion index is the agent's index). Pure: options in,
 * plain objects out; the CLI prints them as YAML for `kubectl apply -f -`.
 */

import { defaults } from '../defaults';

/** The port the coordinator listens on inside the pod and behind its Service. */
const coordinatorPort = defaults.coordinator.port;

interface Resources {
  cpu: string;
  memory: string;
}

export interface K8sOptions {
  /** DNS-1123 name prefix for every object (from the profile's name by default). */
  name: string;
  namespace: string;
  image: string;
  agents: number;
  /** The profile file's text and base name, mounted at /strain/profile/. */
  profile: { fileName: string; text: string };
  /** Data files the profile names (CSV feeders), mounted beside it under their base names. */
  dataFiles: { fileName: string; text: string }[];
  token: string;
  /** Extra arguments for `strain coordinate` (the run's overrides: --duration, --rate, ...). */
  coordinateArgs: string[];
  agentRequests: Resources;
  agentLimits: Resources;
  /** A Secret of the user's whose keys become the agents' environment ({{env.X}} in the profile). */
  agentEnvSecret?: string;
}

type Manifest = Record<string, unknown>;

const profileDir = '/strain/profile';
const appLabel = 'app.kubernetes.io/name';

/** A DNS-1123 label from any text: lower case, [a-z0-9-], at most 40 characters (room for suffixes). */
export function dnsName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return name || 'strain';
}

function labels(o: K8sOptions, component: string): Record<string, string> {
  return { [appLabel]: 'strain', 'app.kubernetes.io/instance': o.name, 'app.kubernetes.io/component': component };
}

function meta(o: K8sOptions, suffix: string, component: string): Manifest {
  return { name: `${o.name}-${suffix}`, namespace: o.namespace, labels: labels(o, component) };
}

function profileVolume(o: K8sOptions): Manifest {
  return { name: 'profile', configMap: { name: `${o.name}-profile` } };
}

const tokenEnv = (o: K8sOptions, variable: string): Manifest => ({
  name: variable,
  valueFrom: { secretKeyRef: { name: `${o.name}-token`, key: 'token' } },
});

function configMap(o: K8sOptions): Manifest {
  const data: Record<string, string> = { [o.profile.fileName]: o.profile.text };
  for (const file of o.dataFiles) data[file.fileName] = file.text;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(o, 'profile', 'profile'), data };
}

function secret(o: K8sOptions): Manifest {
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta(o, 'token', 'token'), type: 'Opaque', stringData: { token: o.token } };
}

function service(o: K8sOptions): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(o, 'coordinator', 'coordinator'),
    spec: {
      selector: labels(o, 'coordinator'),
      ports: [{ name: 'agents', port: coordinatorPort, targetPort: coordinatorPort, protocol: 'TCP' }],
    },
  };
}

function coordinatorJob(o: K8sOptions): Manifest {
  const args = [
    'coordinate',
    `${profileDir}/${o.profile.fileName}`,
    '--agents',
    String(o.agents),
    '--listen',
    `0.0.0.0:${coordinatorPort}`,
    '--db',
    '/strain/data/strain.db',
    '--no-tui',
    '--json',
    ...o.coordinateArgs,
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o, 'coordinator', 'coordinator'),
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(o, 'coordinator') },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'coordinator',
              image: o.image,
              args,
              env: [tokenEnv(o, 'STRAIN_COORDINATOR_TOKEN')],
              ports: [{ name: 'agents', containerPort: coordinatorPort }],
              resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              volumeMounts: [
                { name: 'profile', mountPath: profileDir, readOnly: true },
                { name: 'data', mountPath: '/strain/data' },
              ],
            },
          ],
          volumes: [profileVolume(o), { name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

function agentJob(o: K8sOptions): Manifest {
  const url = `http://${o.name}-coordinator.${o.namespace}.svc:${coordinatorPort}`;
  const env: Manifest[] = [tokenEnv(o, 'STRAIN_COORDINATOR_TOKEN'), { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o, 'agents', 'agent'),
    spec: {
      completionMode: 'Indexed',
      completions: o.agents,
      parallelism: o.agents,
      // An agent pod that dies is replaced (same index) while the coordinator still waits for it.
      backoffLimit: o.agents * 2,
      template: {
        metadata: { labels: labels(o, 'agent') },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'agent',
              image: o.image,
              // The profile reaches the agent from the coordinator; data files are mounted so a
              // data row's file is read where the load is generated.
              args: ['agent', '--coordinator', url, '--name', '$(POD_NAME)'],
              env,
              ...(o.agentEnvSecret ? { envFrom: [{ secretRef: { name: o.agentEnvSecret } }] } : {}),
              resources: { requests: { ...o.agentRequests }, limits: { ...o.agentLimits } },
              volumeMounts: [{ name: 'profile', mountPath: profileDir, readOnly: true }],
            },
          ],
          volumes: [profileVolume(o)],
        },
      },
    },
  };
}

/** Every object for one distributed run, in the order `kubectl apply` should create them. */
export function k8sManifests(o: K8sOptions): Manifest[] {
  return [configMap(o), secret(o), service(o), coordinatorJob(o), agentJob(o)];
}
