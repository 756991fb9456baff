// Bad input, every kind of it: one exact line naming file, object and field, exit 2, no stack trace,
// nothing on stdout — through the real CLI and through loadInputs.

import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInputs } from '../src/k8s/load.js';
import { InputError } from '../src/k8s/errors.js';
import { MAX_INPUT_BYTES } from '../src/k8s/parse.js';

const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubescale-load-errors-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function cliAsync(args: string[], cwd = dir): Promise<ReturnType<typeof cli>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, signal }));
  });
}

/** Exit 2, exactly one stderr line (the given one), no stack trace, nothing on stdout. */
function checkFailure(r: ReturnType<typeof cli>, line: string): void {
  assert.equal(r.signal, null, `killed by ${r.signal}`);
  assert.equal(r.stderr, `${line}\n`);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

function assertCliFails(args: string[], line: string, cwd = dir): void {
  checkFailure(cli(args, cwd), line);
}

// Upstream's messages (k8s.io/apimachinery/pkg/util/validation), spelled out here. RegexError writes
// "'a', " per example joined by " or ", hence the double spaces.
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123 = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUANTITY_RE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** A pod manifest in YAML with `meta` lines under metadata and `spec` lines under spec (indented by two). */
function podYaml(opts: { name?: string; meta?: string[]; spec?: string[]; container?: string[] } = {}): string {
  return [
    'apiVersion: v1', 'kind: Pod', 'metadata:', `  name: ${opts.name ?? 'web'}`, ...(opts.meta ?? []).map((l) => `  ${l}`),
    'spec:', '  containers:', '  - name: app', '    image: nginx:1.27', ...(opts.container ?? []).map((l) => `    ${l}`),
    ...(opts.spec ?? []).map((l) => `  ${l}`), '',
  ].join('\n');
}

interface Case {
  what: string;
  /** Files to write (name -> content); the first is the one the error names unless `errFile` says otherwise. */
  files: Record<string, string>;
  args?: string[];
  errFile?: string;
  object?: string;
  field?: string;
  detail: string;
}

const cases: Case[] = [
  {
    what: 'YAML syntax error, with its line',
    files: { 'syntax.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n  labels: }\n' },
    detail: 'invalid YAML at line 5: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    what: 'YAML duplicate key',
    files: { 'dupkey.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n' },
    detail: 'invalid YAML at line 5: Map keys must be unique',
  },
  {
    what: 'YAML tab indentation',
    files: { 'tabs.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n' },
    detail: 'invalid YAML at line 4: Tabs are not allowed as indentation',
  },
  {
    what: 'JSON syntax error, with its line',
    files: { 'bad.json': '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n}\n' },
    detail: 'invalid JSON: Expected double-quoted property name in JSON at position 41 (line 4)',
  },
  {
    what: 'a document that is a scalar',
    files: { 'scalar.yaml': 'just a string\n' },
    detail: 'expected a Kubernetes object (a mapping with apiVersion and kind)',
  },
  {
    what: 'a list item that is not an object',
    files: { 'items.json': '{"apiVersion":"v1","kind":"List","items":[42]}' },
    object: 'items[0]',
    detail: 'expected a Kubernetes object (a mapping with apiVersion and kind)',
  },
  {
    what: 'a second YAML document that is a sequence',
    files: { 'multi.yaml': podYaml() + '---\n- a\n- b\n' },
    object: 'document 2',
    detail: 'expected a Kubernetes object (a mapping with apiVersion and kind)',
  },
  {
    what: 'List items that are not a list',
    files: { 'list.json': '{"apiVersion":"v1","kind":"List","items":{"a":1}}' },
    object: 'List', field: 'items',
    detail: 'Invalid value: must be a list',
  },
  {
    what: 'missing kind',
    files: { 'nokind.yaml': 'apiVersion: v1\nmetadata:\n  name: web\n' },
    object: 'object web', field: 'kind',
    detail: 'Required value: every object needs apiVersion and kind',
  },
  {
    what: 'missing apiVersion',
    files: { 'noapi.yaml': 'kind: Pod\nmetadata:\n  name: web\n' },
    object: 'Pod web', field: 'apiVersion',
    detail: 'Required value',
  },
  {
    what: 'wrong apiVersion for the kind',
    files: { 'wrongapi.yaml': podYaml().replace('apiVersion: v1', 'apiVersion: apps/v1') },
    object: 'Pod web', field: 'apiVersion',
    detail: 'Unsupported value: "apps/v1": supported values: "v1"',
  },
  {
    what: 'Deployment under core/v1',
    files: { 'deploy-v1.yaml': 'apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n' },
    object: 'Deployment web', field: 'apiVersion',
    detail: 'Unsupported value: "v1": supported values: "apps/v1"',
  },
  {
    what: 'pod name with upper case',
    files: { 'upper.yaml': podYaml({ name: 'Web' }) },
    object: 'Pod Web', field: 'metadata.name',
    detail: `Invalid value: "Web": ${SUBDOMAIN}`,
  },
  {
    what: 'pod name with a space',
    files: { 'space.yaml': podYaml({ name: '"my web"' }) },
    object: 'Pod my web', field: 'metadata.name',
    detail: `Invalid value: "my web": ${SUBDOMAIN}`,
  },
  {
    what: 'pod name with quotes',
    files: { 'quotes.yaml': podYaml({ name: `'"web"'` }) },
    object: 'Pod \\"web\\"', field: 'metadata.name',
    detail: `Invalid value: "\\"web\\"": ${SUBDOMAIN}`,
  },
  {
    what: 'pod name with a newline stays on one line',
    files: { 'newline.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'we\nb' }, spec: { containers: [{ name: 'app' }] } }) },
    object: 'Pod we\\nb', field: 'metadata.name',
    detail: `Invalid value: "we\\nb": ${SUBDOMAIN}`,
  },
  {
    what: 'pod name over 253 characters',
    files: { 'long.yaml': podYaml({ name: 'a'.repeat(254) }) },
    object: `Pod ${'a'.repeat(254)}`, field: 'metadata.name',
    detail: `Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
  },
  {
    what: 'namespace that is not a DNS label',
    files: { 'ns.yaml': podYaml({ meta: ['namespace: Prod_1'] }) },
    object: 'Pod Prod_1/web', field: 'metadata.namespace',
    detail: `Invalid value: "Prod_1": ${LABEL_1123}`,
  },
  {
    what: 'label key with two slashes',
    files: { 'labelkey.yaml': podYaml({ meta: ['labels:', '  app/x/y: web'] }) },
    object: 'Pod web', field: 'metadata.labels',
    detail: `Invalid value: "app/x/y": ${QUALIFIED}`,
  },
  {
    what: 'label key starting with a dash',
    files: { 'labelkey2.yaml': podYaml({ meta: ['labels:', '  "-app": web'] }) },
    object: 'Pod web', field: 'metadata.labels',
    detail: `Invalid value: "-app": ${NAME_PART}`,
  },
  {
    what: 'label value with a space',
    files: { 'labelval.yaml': podYaml({ meta: ['labels:', '  app: "a b"'] }) },
    object: 'Pod web', field: 'metadata.labels[app]',
    detail: `Invalid value: "a b": ${LABEL_VALUE}`,
  },
  {
    what: 'label value that is a number',
    files: { 'labelnum.yaml': podYaml({ meta: ['labels:', '  tier: 1'] }) },
    object: 'Pod web', field: 'metadata.labels[tier]',
    detail: 'Invalid value: 1: must be a string',
  },
  {
    what: 'quantity 10Mb',
    files: { 'mb.yaml': podYaml({ container: ['resources:', '  requests:', '    memory: 10Mb'] }) },
    object: 'Pod web', field: 'spec.containers[0].resources.requests[memory]',
    detail: `Invalid value: "10Mb": invalid quantity "10Mb": ${QUANTITY_RE}`,
  },
  {
    what: 'quantity 1.2.3',
    files: { 'dots.yaml': podYaml({ container: ['resources:', '  limits:', '    cpu: 1.2.3'] }) },
    object: 'Pod web', field: 'spec.containers[0].resources.limits[cpu]',
    detail: `Invalid value: "1.2.3": invalid quantity "1.2.3": ${QUANTITY_RE}`,
  },
  {
    what: 'negative quantity',
    files: { 'neg.yaml': podYaml({ container: ['resources:', '  requests:', '    cpu: "-100m"'] }) },
    object: 'Pod web', field: 'spec.containers[0].resources.requests[cpu]',
    detail: 'Invalid value: "-100m": must be greater than or equal to 0',
  },
  {
    what: 'quantity too large to hold exactly',
    files: { 'huge.yaml': podYaml({ container: ['resources:', '  requests:', '    cpu: "1e400"'] }) },
    object: 'Pod web', field: 'spec.containers[0].resources.requests[cpu]',
    detail: 'Invalid value: "1e400": quantity 10e399 is too large to represent in millis (limit 2^53-1)',
  },
  {
    what: 'requests above limits',
    files: { 'reqlim.yaml': podYaml({ container: ['resources:', '  requests: {cpu: "2"}', '  limits: {cpu: "1500m"}'] }) },
    object: 'Pod web', field: 'spec.containers[0].resources.requests',
    detail: 'Invalid value: "2": must be less than or equal to cpu limit of 1500m',
  },
  {
    what: 'toleration operator',
    files: { 'tol.yaml': podYaml({ spec: ['tolerations:', '- {key: dedicated, operator: Matches, value: gpu}'] }) },
    object: 'Pod web', field: 'spec.tolerations[0].operator',
    detail: 'Unsupported value: "Matches": supported values: "Exists", "Equal"',
  },
  {
    what: 'toleration Exists with a value',
    files: { 'tol2.yaml': podYaml({ spec: ['tolerations:', '- {key: dedicated, operator: Exists, value: gpu}'] }) },
    object: 'Pod web', field: 'spec.tolerations[0].operator',
    detail: 'Invalid value: "gpu": value must be empty when `operator` is \'Exists\'',
  },
  {
    what: 'taint effect',
    files: { 'taint.yaml': 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nspec:\n  taints:\n  - {key: gpu, value: "true", effect: NoPlease}\n' },
    object: 'Node node-1', field: 'spec.taints[0].effect',
    detail: 'Unsupported value: "NoPlease": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  },
  {
    what: 'taint without effect',
    files: { 'taint2.yaml': 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nspec:\n  taints:\n  - {key: gpu}\n' },
    object: 'Node node-1', field: 'spec.taints[0].effect',
    detail: 'Required value: supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  },
  {
    what: 'namespace on a Node',
    files: { 'nodens.yaml': 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  namespace: default\n' },
    object: 'Node default/node-1', field: 'metadata.namespace',
    detail: 'Forbidden: not allowed on this type',
  },
  {
    what: 'node affinity Gt with a non-integer',
    files: { 'gt.yaml': podYaml({ spec: ['affinity:', '  nodeAffinity:', '    requiredDuringSchedulingIgnoredDuringExecution:', '      nodeSelectorTerms:',
      '      - matchExpressions: [{key: generation, operator: Gt, values: ["1.5"]}]'] }) },
    object: 'Pod web', field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]',
    detail: 'Invalid value: "1.5": must be an integer',
  },
  {
    what: 'node affinity Lt with two values',
    files: { 'lt.yaml': podYaml({ spec: ['affinity:', '  nodeAffinity:', '    requiredDuringSchedulingIgnoredDuringExecution:', '      nodeSelectorTerms:',
      '      - matchExpressions: [{key: generation, operator: Lt, values: ["1", "2"]}]'] }) },
    object: 'Pod web', field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
    detail: "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
  },
  {
    what: 'topology spread maxSkew 0',
    files: { 'skew.yaml': podYaml({ spec: ['topologySpreadConstraints:', '- {maxSkew: 0, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}'] }) },
    object: 'Pod web', field: 'spec.topologySpreadConstraints[0].maxSkew',
    detail: 'Invalid value: 0: must be greater than or equal to 1',
  },
  {
    what: 'topology spread without whenUnsatisfiable',
    files: { 'skew2.yaml': podYaml({ spec: ['topologySpreadConstraints:', '- {maxSkew: 1, topologyKey: topology.kubernetes.io/zone}'] }) },
    object: 'Pod web', field: 'spec.topologySpreadConstraints[0].whenUnsatisfiable',
    detail: 'Required value: supported values: "DoNotSchedule", "ScheduleAnyway"',
  },
  {
    what: 'duplicate container names (init container against a container)',
    files: { 'dupc.yaml': podYaml({ spec: ['initContainers:', '- name: app', '  image: busybox'] }) },
    object: 'Pod web', field: 'spec.initContainers[0].name',
    detail: 'Duplicate value: "app"',
  },
  {
    what: 'no containers',
    files: { 'noc.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n' },
    object: 'Pod web', field: 'spec.containers',
    detail: 'Required value',
  },
  {
    what: 'host port out of range',
    files: { 'port.yaml': podYaml({ container: ['ports:', '- {containerPort: 80, hostPort: 70000}'] }) },
    object: 'Pod web', field: 'spec.containers[0].ports[0].hostPort',
    detail: 'Invalid value: 70000: must be less than or equal to 65535',
  },
  {
    what: 'the same object in two files',
    files: { 'a.yaml': podYaml(), 'b.yaml': podYaml() },
    args: ['a.yaml', 'b.yaml'], errFile: 'b.yaml',
    object: 'Pod default/web', field: 'metadata.name',
    detail: 'Duplicate value: "web": also defined in {dir}a.yaml',
  },
  {
    what: 'Deployment selector not matching the template labels',
    files: { 'selector.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers: [{name: app}]\n' },
    object: 'Deployment web', field: 'spec.template.metadata.labels',
    detail: 'Invalid value: {"app":"api"}: `selector` does not match template `labels`',
  },
  {
    what: 'Deployment without selector',
    files: { 'nosel.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: app}]\n' },
    object: 'Deployment web', field: 'spec.selector',
    detail: 'Required value',
  },
  {
    what: 'replicas as a string',
    files: { 'replicas.yaml': 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: "3"\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: app}]\n' },
    object: 'ReplicaSet web', field: 'spec.replicas',
    detail: 'Invalid value: "3": must be an integer',
  },
  {
    what: 'a Job expanding into more pods than the loader holds fails fast',
    files: { 'job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: crunch\nspec:\n  parallelism: 100000000\n  template:\n    spec:\n      containers: [{name: app}]\n' },
    object: 'Job default/crunch', field: 'spec.parallelism',
    detail: 'Invalid value: 100000000: expanding it would make 100000000 pods; kubescale loads at most 5000000',
  },
  {
    what: 'PriorityClass value not an integer',
    files: { 'pc.yaml': 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: high\n' },
    object: 'PriorityClass high', field: 'value',
    detail: 'Invalid value: "high": must be an integer',
  },
  {
    what: 'a path that does not exist',
    files: {},
    args: ['missing.yaml'], errFile: 'missing.yaml',
    detail: 'no such file or directory',
  },
  {
    what: 'a YAML alias bomb ("billion laughs")',
    files: {
      'bomb.yaml': ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...'bcdefghi'.split('').map((c, i) => `  ${c}: &${c} [${Array(9).fill('*' + 'abcdefghi'[i]).join(',')}]`), ''].join('\n'),
    },
    detail: 'invalid YAML in document 1: Excessive alias count indicates a resource exhaustion attack',
  },
  {
    what: 'a garbage .msgpack snapshot',
    files: { 'garbage.msgpack': 'this is not msgpack' },
    detail: 'not a kubescale snapshot: Extra 18 of 19 byte(s) found at buffer[1]',
  },
  {
    what: 'a msgpack file that is not a snapshot',
    files: { 'other.msgpack': '\x81\xa1a\x01' },
    detail: 'not a kubescale snapshot (format field missing)',
  },
];

function writeCase(c: Case, sub: string): string {
  const d = join(dir, sub);
  mkdirSync(d, { recursive: true });
  for (const [name, content] of Object.entries(c.files)) writeFileSync(join(d, name), content, name.endsWith('.msgpack') ? 'latin1' : 'utf8');
  return d;
}

test(`at least 40 kinds of bad input are covered`, () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
});

// Each case spawns the CLI; a few at a time keeps the file fast on two cores.
describe('bad input', { concurrency: 4 }, () => cases.forEach((c, i) => {
  it(c.what, { timeout: 60_000 }, async () => {
    const d = writeCase(c, `case-${i}`);
    const args = c.args ?? [Object.keys(c.files)[0]!];
    const errFile = c.errFile ?? args[0]!;
    const parts = [errFile, c.object, c.field, c.detail.replace('{dir}', '')].filter((p) => p !== undefined);
    checkFailure(await cliAsync(['summary', ...args], d), `kubescale: ${parts.join(': ')}`);

    // The same through the API, with each part of the location on its own.
    await assert.rejects(loadInputs(args.map((a) => join(d, a)), { warn: () => {} }), (err: unknown) => {
      assert.ok(err instanceof InputError, `InputError, got ${String(err)}`);
      assert.equal(err.location.file, join(d, errFile));
      assert.equal(err.location.object, c.object);
      assert.equal(err.location.field, c.field);
      assert.equal(err.detail, c.detail.replace('{dir}', d + '/'));
      return true;
    });
  });
}));

test('an input over the size cap is refused before it is read (sparse file, nothing written)', () => {
  const d = join(dir, 'big');
  mkdirSync(d, { recursive: true });
  const f = join(d, 'big.yaml');
  closeSync(openSync(f, 'w'));
  truncateSync(f, MAX_INPUT_BYTES + 1); // sparse: no data blocks
  assertCliFails(['summary', 'big.yaml'],
    "kubescale: big.yaml: file is 400 MiB; inputs over 400 MiB are refused (write a .msgpack snapshot with 'kubescale snapshot' instead)", d);
});

test('an empty directory has no manifests', () => {
  const d = join(dir, 'emptydir');
  mkdirSync(join(d, 'inputs'), { recursive: true });
  writeFileSync(join(d, 'inputs', 'notes.txt'), 'not a manifest');
  assertCliFails(['summary', 'inputs'], 'kubescale: inputs: no manifest files found', d);
});

test('snapshot -o x.json is a usage error and writes nothing', () => {
  const d = join(dir, 'usage');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'pod.yaml'), podYaml());
  assertCliFails(['snapshot', 'pod.yaml', '-o', 'x.json'], 'kubescale: -o x.json: snapshot files must end in .msgpack', d);
  assert.deepEqual(readdirSync(d), ['pod.yaml']);
});

test('snapshot without -o is a usage error', () => {
  const r = cli(['snapshot', 'pod.yaml']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "error: required option '-o, --output <file>' not specified\n");
});

test('a failing snapshot leaves no output file and no temp file behind', () => {
  const d = join(dir, 'nothing-written');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'good.yaml'), podYaml());
  writeFileSync(join(d, 'bad.yaml'), podYaml({ name: 'Bad' }));
  const r = cli(['snapshot', 'good.yaml', 'bad.yaml', '-o', 'out/cluster.msgpack'], d);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^kubescale: bad\.yaml: Pod Bad: metadata\.name: Invalid value: "Bad": /);
  assert.equal(existsSync(join(d, 'out', 'cluster.msgpack')), false);
  assert.deepEqual(readdirSync(d).sort(), ['bad.yaml', 'good.yaml']);
  // And an existing snapshot is not clobbered by a failed rewrite.
  const ok = cli(['snapshot', 'good.yaml', '-o', 'cluster.msgpack'], d);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  const before = readdirSync(d).sort();
  assert.equal(cli(['snapshot', 'good.yaml', 'bad.yaml', '-o', 'cluster.msgpack'], d).code, 2);
  assert.deepEqual(readdirSync(d).sort(), before);
});

test('unknown kinds: one warning each on stderr, ignored, exit 0', () => {
  const d = join(dir, 'unknown');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'mixed.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: prod\ndata: {a: b}\n---\n'
    + 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n' + podYaml());
  const r = cli(['summary', '-o', 'json', 'mixed.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr,
    'kubescale: warning: mixed.yaml: ConfigMap prod/settings: kind ConfigMap is not understood; ignored\n'
    + 'kubescale: warning: mixed.yaml: Widget w: kind Widget is not understood; ignored\n');
  const summary = JSON.parse(r.stdout) as { pods: number; nodes: number };
  assert.equal(summary.pods, 1);
  assert.equal(summary.nodes, 0);
});
