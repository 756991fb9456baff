// The data behind `kubescale gen`: node shapes, images, workload archetypes, priority classes.
// Kept as plain tables so the mix can be tuned without touching the generator.

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'DaemonSet';

export interface NodeShape {
  instanceType: string;
  pool: string;
  cpu: number;
  memGi: number;
  arch: 'amd64' | 'arm64';
  gpus: number;
  /** Share of the fleet. */
  weight: number;
}

export const NODE_SHAPES: readonly NodeShape[] = [
  { instanceType: 'm5.xlarge', pool: 'general', cpu: 4, memGi: 16, arch: 'amd64', gpus: 0, weight: 25 },
  { instanceType: 'm5.2xlarge', pool: 'general', cpu: 8, memGi: 32, arch: 'amd64', gpus: 0, weight: 30 },
  { instanceType: 'm6g.2xlarge', pool: 'arm', cpu: 8, memGi: 32, arch: 'arm64', gpus: 0, weight: 8 },
  { instanceType: 'm5.4xlarge', pool: 'general', cpu: 16, memGi: 64, arch: 'amd64', gpus: 0, weight: 17 },
  { instanceType: 'r5.4xlarge', pool: 'highmem', cpu: 16, memGi: 128, arch: 'amd64', gpus: 0, weight: 6 },
  { instanceType: 'm5.8xlarge', pool: 'general', cpu: 32, memGi: 128, arch: 'amd64', gpus: 0, weight: 10 },
  { instanceType: 'g5.4xlarge', pool: 'gpu', cpu: 16, memGi: 64, arch: 'amd64', gpus: 1, weight: 4 },
];

export const REGIONS: readonly string[] = [
  'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1', 'sa-east-1', 'ca-central-1',
];

export const NAMESPACE_NAMES: readonly string[] = [
  'shop', 'payments', 'search', 'platform', 'data', 'identity', 'web', 'analytics', 'messaging', 'ml',
];

export interface ImageEntry {
  /** As written in a pod spec (short Docker Hub names included). */
  ref: string;
  /** As the kubelet reports it in node.status.images. */
  full: string;
  sizeBytes: number;
  /** On every node (pause, kube-proxy). */
  system?: boolean;
  /** Only on GPU nodes. */
  gpu?: boolean;
  /** The ports this image listens on, when they differ from its archetype's. */
  ports?: readonly PortDef[];
}

const hub = (ref: string, sizeBytes: number, extra: Partial<ImageEntry> = {}): ImageEntry => ({
  ref, full: ref.includes('/') && ref.split('/')[0]!.includes('.') ? ref : `docker.io/${ref.includes('/') ? '' : 'library/'}${ref}`, sizeBytes, ...extra,
});

export const IMAGES: readonly ImageEntry[] = [
  hub('registry.k8s.io/pause:3.10', 320368, { system: true }),
  hub('registry.k8s.io/kube-proxy:v1.35.0', 30_931_020, { system: true }),
  hub('nginx:1.27.3', 72_099_501),
  hub('redis:7.4.1', 45_204_119, { ports: [{ name: 'redis', containerPort: 6379 }] }),
  hub('memcached:1.6.32', 30_873_645, { ports: [{ name: 'memcache', containerPort: 11211 }] }),
  hub('postgres:16.6', 158_446_202, { ports: [{ name: 'postgres', containerPort: 5432 }] }),
  hub('bitnami/kafka:3.9.0', 311_504_117, { ports: [{ name: 'kafka', containerPort: 9092 }] }),
  hub('elasticsearch:8.16.1', 681_337_016, { ports: [{ name: 'http', containerPort: 9200 }, { name: 'transport', containerPort: 9300 }] }),
  hub('envoyproxy/envoy:v1.32.1', 61_773_880),
  hub('busybox:1.37', 2_155_588),
  hub('python:3.12-slim', 49_516_330),
  hub('ghcr.io/kubescale-demo/web:v1.9.0', 88_120_448),
  hub('ghcr.io/kubescale-demo/api:v2.3.1', 121_634_816),
  hub('ghcr.io/kubescale-demo/worker:v3.0.4', 209_715_200),
  hub('quay.io/prometheus/node-exporter:v1.8.2', 11_403_542),
  hub('fluent/fluent-bit:3.2.2', 35_651_584),
  hub('nvcr.io/nvidia/pytorch:24.10-py3', 9_813_180_416, { gpu: true }),
];

export interface PortDef { name: string; containerPort: number }

export interface Archetype {
  tier: string;
  weight: number;
  kinds: readonly [WorkloadKind, number][];
  names: readonly string[];
  images: readonly string[];
  cpu: readonly string[];
  memory: readonly string[];
  ports: readonly PortDef[];
  replicas: readonly number[];
  priorityClasses: readonly (string | null)[];
  gpu?: boolean;
  restartPolicy?: 'Never' | 'OnFailure';
  /** Name the workload after its image (postgres-12, redis-3) instead of picking from `names`. */
  nameFromImage?: boolean;
}

const DEPLOY_REPLICAS = [1, 2, 2, 3, 3, 3, 4, 5, 6, 8, 10, 12, 16, 20, 30, 50];

export const ARCHETYPES: readonly Archetype[] = [
  { tier: 'frontend', weight: 20, kinds: [['Deployment', 1]], names: ['storefront', 'web', 'portal', 'dashboard', 'admin-ui'],
    images: ['ghcr.io/kubescale-demo/web:v1.9.0', 'nginx:1.27.3'], cpu: ['50m', '100m', '100m', '200m', '250m'],
    memory: ['128Mi', '256Mi', '256Mi', '512Mi'], ports: [{ name: 'http', containerPort: 8080 }], replicas: DEPLOY_REPLICAS,
    priorityClasses: ['kubescale-high', 'kubescale-normal', null] },
  { tier: 'backend', weight: 35, kinds: [['Deployment', 1]],
    names: ['checkout-api', 'cart-api', 'payments-api', 'search-api', 'users-api', 'orders-api', 'catalog-api', 'auth'],
    images: ['ghcr.io/kubescale-demo/api:v2.3.1'], cpu: ['100m', '100m', '200m', '250m', '500m'],
    memory: ['256Mi', '512Mi', '512Mi', '1Gi'], ports: [{ name: 'http', containerPort: 8080 }, { name: 'grpc', containerPort: 9090 }],
    replicas: DEPLOY_REPLICAS, priorityClasses: ['kubescale-high', 'kubescale-normal', 'kubescale-normal', null] },
  { tier: 'worker', weight: 15, kinds: [['Deployment', 1]], names: ['email-worker', 'thumbnailer', 'indexer', 'notifier', 'ledger-sync'],
    images: ['ghcr.io/kubescale-demo/worker:v3.0.4', 'python:3.12-slim'], cpu: ['100m', '250m', '500m'],
    memory: ['256Mi', '512Mi', '1Gi'], ports: [{ name: 'metrics', containerPort: 9102 }], replicas: DEPLOY_REPLICAS,
    priorityClasses: ['kubescale-normal', 'kubescale-low', null] },
  { tier: 'cache', weight: 10, kinds: [['Deployment', 1], ['StatefulSet', 1]], names: [], nameFromImage: true,
    images: ['redis:7.4.1', 'memcached:1.6.32'], cpu: ['100m', '250m', '500m'], memory: ['512Mi', '1Gi', '2Gi'],
    ports: [{ name: 'tcp-cache', containerPort: 6379 }], replicas: [1, 2, 3, 3, 5, 6], priorityClasses: ['kubescale-high', 'kubescale-normal'] },
  { tier: 'database', weight: 7, kinds: [['StatefulSet', 1]], names: [], nameFromImage: true,
    images: ['postgres:16.6', 'bitnami/kafka:3.9.0', 'elasticsearch:8.16.1'], cpu: ['500m', '1', '2'], memory: ['1Gi', '2Gi', '4Gi'],
    ports: [{ name: 'tcp-db', containerPort: 5432 }], replicas: [1, 3, 3, 5], priorityClasses: ['kubescale-critical', 'kubescale-high'] },
  { tier: 'batch', weight: 10, kinds: [['Job', 1]], names: ['report', 'etl', 'backup', 'reindex'],
    images: ['python:3.12-slim', 'busybox:1.37'], cpu: ['250m', '500m', '1'], memory: ['256Mi', '512Mi', '1Gi'], ports: [],
    replicas: [1, 2, 4, 8, 16], priorityClasses: ['kubescale-batch', 'kubescale-low'], restartPolicy: 'Never' },
  { tier: 'ml', weight: 3, kinds: [['Deployment', 2], ['Job', 1]], names: ['trainer', 'inference'],
    images: ['nvcr.io/nvidia/pytorch:24.10-py3'], cpu: ['2', '4'], memory: ['8Gi', '16Gi'], ports: [{ name: 'http', containerPort: 8080 }],
    replicas: [1, 1, 2, 4], priorityClasses: ['kubescale-high', 'kubescale-normal'], gpu: true, restartPolicy: 'OnFailure' },
];

export interface DaemonSetDef { name: string; namespace: string; image: string; cpu: string; memory: string; port: PortDef; minPodsPerNode: number }

/** Node agents, added when the pod budget allows one pod per node for them. */
export const DAEMONSETS: readonly DaemonSetDef[] = [
  { name: 'node-exporter', namespace: 'monitoring', image: 'quay.io/prometheus/node-exporter:v1.8.2', cpu: '50m', memory: '64Mi',
    port: { name: 'metrics', containerPort: 9100 }, minPodsPerNode: 4 },
  { name: 'fluent-bit', namespace: 'monitoring', image: 'fluent/fluent-bit:3.2.2', cpu: '100m', memory: '128Mi',
    port: { name: 'http', containerPort: 2020 }, minPodsPerNode: 15 },
];

export interface PriorityClassDef { name: string; value: number; preemptionPolicy?: 'Never'; description: string }

export const PRIORITY_CLASSES: readonly PriorityClassDef[] = [
  { name: 'kubescale-critical', value: 100000, description: 'Stateful systems and node agents.' },
  { name: 'kubescale-high', value: 10000, description: 'User-facing services.' },
  { name: 'kubescale-normal', value: 1000, description: 'Default for services.' },
  { name: 'kubescale-low', value: 100, description: 'Background work.' },
  { name: 'kubescale-batch', value: 10, preemptionPolicy: 'Never', description: 'Batch jobs; never preempt.' },
];
