// Kubernetes object shapes as they appear in manifests (the JSON form of the v1 APIs).
// Only the fields kubescale reads are typed; everything else is carried through untouched.
// The loader validates these objects before any other layer sees them, so code downstream
// may rely on the documented invariants (names valid, quantities parseable, enums known).

export type ResourceList = Record<string, string | number>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  resourceVersion?: string;
  generation?: number;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export interface Affinity {
  nodeAffinity?: NodeAffinity;
  podAffinity?: PodAffinity;
  podAntiAffinity?: PodAffinity;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: Protocol;
}

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  /** Native sidecar containers are init containers with restartPolicy Always. */
  restartPolicy?: 'Always';
}

export interface PodSchedulingGate {
  name: string;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  schedulerName?: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulingGates?: PodSchedulingGate[];
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
}

export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: PodCondition[];
  podIP?: string;
  podIPs?: { ip: string }[];
  nominatedNodeName?: string;
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  kind?: 'Pod';
  metadata: ObjectMeta & { name: string; namespace?: string };
  spec: PodSpec;
  status?: PodStatus;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface NodeAddress {
  type: string;
  address: string;
}

export interface Node extends KubeObject {
  kind?: 'Node';
  metadata: ObjectMeta & { name: string };
  spec?: {
    unschedulable?: boolean;
    taints?: Taint[];
    podCIDR?: string;
    podCIDRs?: string[];
    [key: string]: unknown;
  };
  status?: {
    capacity?: ResourceList;
    allocatable?: ResourceList;
    images?: ContainerImage[];
    addresses?: NodeAddress[];
    conditions?: { type: string; status: string }[];
    [key: string]: unknown;
  };
}

export interface Namespace extends KubeObject {
  kind?: 'Namespace';
  metadata: ObjectMeta & { name: string };
}

export interface WorkloadSpecBase {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplateSpec;
  [key: string]: unknown;
}

export interface Deployment extends KubeObject {
  kind?: 'Deployment';
  metadata: ObjectMeta & { name: string };
  spec: WorkloadSpecBase;
}

export interface ReplicaSet extends KubeObject {
  kind?: 'ReplicaSet';
  metadata: ObjectMeta & { name: string };
  spec: WorkloadSpecBase;
}

export interface StatefulSet extends KubeObject {
  kind?: 'StatefulSet';
  metadata: ObjectMeta & { name: string };
  spec: WorkloadSpecBase & { serviceName?: string };
}

export interface DaemonSet extends KubeObject {
  kind?: 'DaemonSet';
  metadata: ObjectMeta & { name: string };
  spec: { selector?: LabelSelector; template: PodTemplateSpec; [key: string]: unknown };
}

export interface Job extends KubeObject {
  kind?: 'Job';
  metadata: ObjectMeta & { name: string };
  spec: {
    selector?: LabelSelector;
    template: PodTemplateSpec;
    parallelism?: number;
    completions?: number | null;
    completionMode?: 'NonIndexed' | 'Indexed';
    [key: string]: unknown;
  };
}

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  kind?: 'Service';
  metadata: ObjectMeta & { name: string };
  spec?: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: ('IPv4' | 'IPv6')[];
    ports?: ServicePort[];
    externalIPs?: string[];
    externalName?: string;
    loadBalancerSourceRanges?: string[];
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    healthCheckNodePort?: number;
    sessionAffinity?: 'None' | 'ClientIP';
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    publishNotReadyAddresses?: boolean;
    [key: string]: unknown;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  nodeName?: string;
  zone?: string;
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

export interface EndpointPort {
  name?: string;
  protocol?: Protocol;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  kind?: 'EndpointSlice';
  metadata: ObjectMeta & { name: string };
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export interface PriorityClass extends KubeObject {
  kind?: 'PriorityClass';
  metadata: ObjectMeta & { name: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}

export interface PodDisruptionBudget extends KubeObject {
  kind?: 'PodDisruptionBudget';
  metadata: ObjectMeta & { name: string };
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector };
  status?: { disruptionsAllowed?: number; [key: string]: unknown };
}

/** Ingress, HTTPRoute, Gateway and KubeSchedulerConfiguration are validated by their own layers. */
export type GenericObject = KubeObject & { metadata: ObjectMeta & { name: string } };

export const KNOWN_KINDS = [
  'Node', 'Pod', 'Namespace', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job',
  'Service', 'EndpointSlice', 'PriorityClass', 'PodDisruptionBudget', 'Ingress', 'HTTPRoute', 'Gateway',
  'KubeSchedulerConfiguration',
] as const;
export type KnownKind = (typeof KNOWN_KINDS)[number];

/** Everything loaded from the inputs, in input order per kind. Pods include controller-expanded ones. */
export interface ClusterObjects {
  nodes: Node[];
  pods: Pod[];
  namespaces: Namespace[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  priorityClasses: PriorityClass[];
  podDisruptionBudgets: PodDisruptionBudget[];
  ingresses: GenericObject[];
  httpRoutes: GenericObject[];
  gateways: GenericObject[];
  schedulerConfigs: KubeObject[];
  /** Workload controllers as given (their pods are already in `pods`). */
  workloads: GenericObject[];
}

export function emptyClusterObjects(): ClusterObjects {
  return {
    nodes: [], pods: [], namespaces: [], services: [], endpointSlices: [], priorityClasses: [],
    podDisruptionBudgets: [], ingresses: [], httpRoutes: [], gateways: [], schedulerConfigs: [], workloads: [],
  };
}
