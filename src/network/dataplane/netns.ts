// Network namespaces for the dataplane check. A Sandbox owns everything it creates (namespaces,
// child processes) and tears it all down in close(), which is safe to call more than once and is
// also run on SIGINT/SIGTERM. Nothing is created in, or routed to, the caller's namespace: the node
// namespace has no link outside the sandbox and its default route is a dummy device.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export class SandboxError extends Error {}

export function which(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** Throws a one-line reason when the check cannot run here (not root, binaries missing). */
export function checkPrerequisites(mode: 'iptables' | 'nftables'): void {
  if (process.getuid?.() !== 0) throw new SandboxError('dataplane verify must run as root (it creates network namespaces and loads netfilter rules)');
  const need = ['ip', mode === 'iptables' ? 'iptables-restore' : 'nft', ...(mode === 'iptables' ? ['nfacct'] : [])];
  const missing = need.filter((b) => !which(b));
  if (missing.length) throw new SandboxError(`dataplane verify --mode ${mode}: missing binaries: ${missing.join(', ')}`);
}

export class Sandbox {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];
  private closed = false;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.close();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };

  constructor(readonly timeoutMs = 20_000) {
    this.prefix = `ks${process.pid}x${Math.floor(Math.random() * 1e4)}`;
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** Runs a command; throws SandboxError with its stderr on failure. */
  run(cmd: string, args: string[], input?: string): string {
    const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: this.timeoutMs, maxBuffer: 1 << 30 });
    if (r.status !== 0) {
      const err = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(0, 3).join(' | ');
      throw new SandboxError(`${cmd} ${args.slice(0, 6).join(' ')}: ${err}`);
    }
    return r.stdout;
  }

  /** Runs a command inside namespace `ns`. */
  exec(ns: string, cmd: string, args: string[], input?: string): string {
    return this.run('ip', ['netns', 'exec', ns, cmd, ...args], input);
  }

  addNamespace(suffix: string): string {
    const name = `${this.prefix}-${suffix}`;
    this.run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    this.run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** Starts a long-running Node program in `ns`; resolves when it prints `ready`. */
  startNode(ns: string, code: string, env: Record<string, string>): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      let out = '', err = '';
      const timer = setTimeout(() => reject(new SandboxError(`listener in ${ns} not ready after ${this.timeoutMs} ms`)), this.timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('ready\n')) { clearTimeout(timer); resolve(child); }
      });
      child.stderr!.on('data', (d: Buffer) => { err += d; });
      child.on('exit', (code) => { clearTimeout(timer); reject(new SandboxError(`listener in ${ns} exited (${code}): ${err.trim()}`)); });
    });
  }

  /** Runs a Node program in `ns` to completion and returns its stdout. */
  runNode(ns: string, code: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return new Promise((resolve, reject) => {
      let out = '', err = '';
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new SandboxError(`client timed out after ${timeoutMs} ms`)); }, timeoutMs);
      child.stdout!.on('data', (d: Buffer) => { out += d; });
      child.stderr!.on('data', (d: Buffer) => { err += d; });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new SandboxError(`client exited (${code}): ${err.trim()}`));
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    for (const c of this.children) {
      if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
      // `ip netns exec` execs the program, so its pid is the program's pid.
    }
    for (const ns of this.namespaces.reverse()) {
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already gone */ }
    }
    this.namespaces.length = 0;
  }
}
