// The kubescale command line. The contract (command names, flags, JSON fields, exit codes) is
// ../shared/spec/cli.md. Each command lives in src/cli/commands/<name>.ts and is imported lazily,
// so `kubescale --help` stays fast and a command's dependencies load only when it runs.

import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError, RunFailure, oneLine } from '../k8s/errors.js';
import { UsageError } from './common.js';

const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Handler = (args: string[], opts: Record<string, unknown>) => Promise<number>;

function lazy(name: string): Handler {
  return async (args, opts) => {
    const mod = (await import(`./commands/${name}.js`)) as { run: Handler };
    return mod.run(args, opts);
  };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (flag: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} takes an integer, got ${JSON.stringify(v)}`);
  return Number(v);
};
const num = (flag: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, got ${JSON.stringify(v)}`);
  return n;
};

export function buildProgram(onRun: (h: Handler, args: string[], opts: Record<string, unknown>) => void): Command {
  const program = new Command('kubescale')
    .description('Simulate and benchmark Kubernetes scheduling and service networking at large-cluster scale')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride();

  const add = (cmd: Command, handler: Handler) => {
    cmd.exitOverride().action(function (this: Command) {
      onRun(handler, this.args, this.opts());
    });
    program.addCommand(cmd);
  };

  add(new Command('schedule').description('schedule every pod without spec.nodeName onto the cluster')
    .argument('<files...>', 'manifests, directories or .msgpack snapshots')
    .option('--config <file>', 'KubeSchedulerConfiguration file')
    .option('--plugin <module>', 'load a custom plugin module (repeatable)', collect, [])
    .option('--seed <n>', 'random seed for tie-breaking', int('--seed'), 1)
    .option('--workers <n>', 'worker threads', int('--workers'))
    .option('--explain', 'include every filter result and score per node')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml', 'table']).default('table'))
    .option('--dump-state <file>', 'write the final cluster as a List in JSON')
    .option('--engine <engine>', 'fast or reference', 'fast'), lazy('schedule'));

  add(new Command('run').description('run scheduler_perf-format workload files')
    .argument('<workload>', 'workload YAML file')
    .option('--case <name>', 'test case name')
    .option('--workload <name>', 'workload name')
    .option('--config <file>', 'KubeSchedulerConfiguration file')
    .option('--plugin <module>', 'custom plugin module (repeatable)', collect, [])
    .addOption(new Option('--engine <engine>', 'scheduling engine').choices(['fast', 'reference']).default('fast'))
    .option('--workers <n>', 'worker threads', int('--workers'))
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .option('--scale <f>', 'multiply every count parameter', num('--scale'))
    .option('--no-warmup', 'do not run each workload scaled down first to warm the JIT up')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'table']).default('table'))
    .option('--dump-state <file>', 'write the final cluster as a List in JSON')
    .option('--out <dir>', 'write results.json, report.md and index.html here'), lazy('run'));

  add(new Command('endpointslices').description('reconcile EndpointSlices for every Service')
    .argument('<files...>', 'manifests, directories or .msgpack snapshots')
    .option('--max-endpoints-per-slice <n>', 'endpoints per slice (1..1000)', int('--max-endpoints-per-slice'), 100)
    .option('--seed <n>', 'random seed for generated names', int('--seed'), 1)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'yaml']).default('json')), lazy('endpointslices'));

  add(new Command('proxy-rules').description('print the rules kube-proxy writes on one node')
    .argument('<files...>', 'manifests, directories or .msgpack snapshots')
    .requiredOption('--node <name>', 'node name')
    .addOption(new Option('--mode <mode>', 'proxy mode').choices(['iptables', 'nftables']).default('iptables'))
    .option('--cluster-cidr <cidr>', 'pod CIDR of the cluster')
    .option('--node-ip <ip>', 'node IP (repeatable)', collect, [])
    .option('--masquerade-bit <n>', 'masquerade mark bit', int('--masquerade-bit'), 14)
    .option('--no-localhost-nodeports', 'do not allow NodePorts on localhost')
    .option('--then <files>', 'the complete next state (repeatable; comma-separated files)', collect, [])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')), lazy('proxy-rules'));

  const dataplane = new Command('dataplane').description('check rules against a real kernel');
  dataplane.addCommand(new Command('verify').description('apply rules in network namespaces and test connections (root)')
    .argument('<files...>', 'manifests')
    .requiredOption('--node <name>', 'node name')
    .addOption(new Option('--mode <mode>', 'proxy mode').choices(['iptables', 'nftables']).default('iptables'))
    .option('--connections <n>', 'connections per service port', int('--connections'), 200)
    .exitOverride()
    .action(function (this: Command) { onRun(lazy('dataplane-verify'), this.args, this.opts()); }));
  program.addCommand(dataplane.exitOverride());

  add(new Command('bench').description('run benchmark suites and write a report')
    .argument('[suites...]', 'micro, scheduling, network, kernel, scale (default: all)')
    .option('--quick', 'small sizes, finishes in about two minutes')
    .option('--workers <n>', 'worker threads', int('--workers'))
    .option('--out <dir>', 'output directory', 'reports/latest')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table')), lazy('bench'));

  add(new Command('compare').description('run one workload under several profiles side by side')
    .requiredOption('--workload <file>', 'workload YAML file')
    .option('--case <name>', 'test case name')
    .option('--workload-name <name>', 'workload name')
    .option('--profile <file>', 'KubeSchedulerConfiguration (repeatable)', collect, [])
    .option('--plugin <module>', 'custom plugin module (repeatable)', collect, [])
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .option('--scale <f>', 'multiply every count parameter', num('--scale'))
    .option('--no-warmup', 'do not run the workload scaled down first under each profile to warm the JIT up')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'html']).default('table'))
    .option('--out <dir>', 'report directory'), lazy('compare'));

  add(new Command('report').description('render results into index.html, report.md and results.json')
    .argument('<results...>', 'results.json files')
    .requiredOption('--out <dir>', 'output directory'), lazy('report'));

  add(new Command('snapshot').description('write the loaded cluster as a msgpack snapshot')
    .argument('<files...>', 'manifests or directories')
    .requiredOption('-o, --output <file>', 'snapshot file (.msgpack)'), lazy('snapshot'));

  add(new Command('summary').description('load a cluster and print a summary')
    .argument('<files...>', 'manifests, directories or .msgpack snapshots')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table')), lazy('summary'));

  add(new Command('gen').description('generate a seeded synthetic cluster')
    .option('--nodes <n>', 'number of nodes', int('--nodes'), 100)
    .option('--pods <n>', 'number of pods (spread over workloads)', int('--pods'), 1000)
    .option('--zones <n>', 'number of zones', int('--zones'), 3)
    .option('--services <n>', 'number of services', int('--services'), 0)
    .option('--bound <fraction>', 'fraction of pods already bound to a node (0..1)', num('--bound'), 0)
    .option('--expand', 'write pods instead of Deployments')
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json', 'msgpack']).default('yaml'))
    .requiredOption('-o, --output <file>', 'output file'), lazy('gen'));

  add(new Command('routes').description('match a request against Ingress and HTTPRoute rules')
    .argument('<files...>', 'manifests')
    .requiredOption('--request <request>', "'METHOD URL'")
    .option('--header <kv>', 'request header K:V (repeatable)', collect, [])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'text']).default('text')), lazy('routes'));

  add(new Command('dns').description('answer a cluster-DNS query from the loaded objects')
    .argument('<files...>', 'manifests')
    .requiredOption('--query <name>', 'name (or address for PTR)')
    .addOption(new Option('--type <type>', 'record type').choices(['A', 'AAAA', 'SRV', 'PTR']).default('A'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'text']).default('text')), lazy('dns'));

  return program;
}

/** Runs the CLI; returns the exit code. Never throws for user errors. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram((h, args, opts) => {
    pending = h(args, opts);
  });
  try {
    await program.parseAsync(argv);
    return pending ? await pending : 0;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2; // commander already printed its one-line message
  }
  if (err instanceof InputError || err instanceof UsageError) {
    process.stderr.write(`kubescale: ${oneLine(err.message)}\n`);
    return 2;
  }
  if (err instanceof RunFailure) {
    process.stderr.write(`kubescale: ${oneLine(err.message)}\n`);
    return 1;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kubescale: internal error: ${oneLine(msg)}\n`);
  if (process.env.KUBESCALE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return 1;
}
