// The two small Node programs the dataplane check runs inside network namespaces (with
// `ip netns exec`): a TCP listener per endpoint pod that answers every connection with its own
// "ip:port", and the client that opens the connections from the node namespace. Both take their
// input from the environment and never touch an address they were not given.

/** Env KS_LISTEN = JSON [{ip, port}]; prints "ready" once every socket listens. */
export const LISTENER_JS = `
const net = require('net');
const socks = JSON.parse(process.env.KS_LISTEN);
let pending = socks.length;
for (const { ip, port } of socks) {
  const srv = net.createServer((s) => { s.on('error', () => {}); s.end(ip + ':' + port + '\\n'); });
  srv.on('error', (e) => { process.stderr.write('listen ' + ip + ':' + port + ': ' + e.message + '\\n'); process.exit(3); });
  srv.listen(port, ip, () => { if (--pending === 0) process.stdout.write('ready\\n'); });
}
setTimeout(() => process.exit(0), Number(process.env.KS_LIFETIME_MS || 300000)).unref();
process.stdin.on('end', () => process.exit(0)).resume();
`;

/**
 * Env KS_TARGETS = JSON [{id, ip, port, n, timeoutMs}], KS_CONCURRENCY. Prints one JSON object:
 * {id: {replies: {"ip:port": count}, errors: {CODE: count}}}. Connections of one target run in
 * order of launch with at most KS_CONCURRENCY open at a time, so the total time is bounded by
 * sum(n * timeoutMs) / concurrency.
 */
export const CLIENT_JS = `
const net = require('net');
const targets = JSON.parse(process.env.KS_TARGETS);
const conc = Number(process.env.KS_CONCURRENCY || 16);
const out = {};
const jobs = [];
for (const t of targets) { out[t.id] = { replies: {}, errors: {} }; for (let i = 0; i < t.n; i++) jobs.push(t); }
let next = 0, running = 0;
function one(t) {
  return new Promise((resolve) => {
    let data = '', done = false;
    const finish = (kind, key) => { if (done) return; done = true; const r = out[t.id][kind]; r[key] = (r[key] || 0) + 1; s.destroy(); resolve(); };
    const s = net.connect({ host: t.ip, port: t.port });
    s.setTimeout(t.timeoutMs, () => finish('errors', 'TIMEOUT'));
    s.on('data', (d) => { data += d; });
    s.on('end', () => finish(data ? 'replies' : 'errors', data ? data.trim() : 'EMPTY'));
    s.on('error', (e) => finish('errors', e.code || e.message));
  });
}
function pump(resolve) {
  while (running < conc && next < jobs.length) {
    const t = jobs[next++]; running++;
    one(t).then(() => { running--; if (next >= jobs.length && running === 0) resolve(); else pump(resolve); });
  }
  if (jobs.length === 0) resolve();
}
// ClientIP affinity: the first connection of such a target runs alone, so that the affinity
// entry exists before concurrent connections race for an endpoint.
(async () => {
  for (const t of targets) if (t.affinity && t.n > 0) { await one(t); jobs.splice(jobs.indexOf(t), 1); }
  await new Promise(pump);
})().then(() => { process.stdout.write(JSON.stringify(out)); process.exit(0); });
`;
