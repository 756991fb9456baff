// Route matching throughput: a table of 10,000 routes (HTTPRoutes over 1,000 hostnames, 8 rules
// each with path/method/header matches, plus 2,000 Ingress paths) and a seeded mix of requests
// (hits on exact and wildcard hosts, misses -> 404). Requests are parsed outside the timed loop.
// Run: node dist/bench/routes.js [routes] [requests]

import { Router } from '../src/network/routes/router.js';
import { parseRequest, type Request } from '../src/network/routes/table.js';
import { routeObjects } from '../src/bench/data.js';

const ROUTES = Number(process.argv[2] ?? 10_000);
const N = Number(process.argv[3] ?? 2_000_000);
let seed = 42;
const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// The shared route table (src/bench/data.ts): HTTPRoutes with 8 rules per hostname (80 %) plus Ingress paths.
const { ingresses, httpRoutes, gateways, hosts, ingressPaths } = routeObjects(ROUTES);
const gateway = gateways[0]!;

const t0 = performance.now();
const router = new Router({ ingresses, httpRoutes, gateways: [gateway] });
console.log(`table: ${router.size} entries (${httpRoutes.length} HTTPRoutes x 8 rules, ${ingressPaths} Ingress paths) compiled in ${(performance.now() - t0).toFixed(0)} ms; node ${process.version}`);

const POOL = 4096;
const reqs: Request[] = [];
for (let i = 0; i < POOL; i++) {
  const kind = rnd(10);
  const h = rnd(hosts), r = rnd(8);
  let url: string;
  if (kind < 6) url = `http://${h % 10 === 0 ? `a.w${h}` : `h${h}`}.example.com/api/v${r}/items${r % 3 ? '/' + r : ''}${r === 0 ? '' : '/x'}`;
  else if (kind < 8) url = `http://i${rnd(Math.max(1, Math.floor(ingressPaths / 10)))}.shop.com/p${rnd(10)}/sub`;
  else url = `http://h${h}.example.com/nothing/here`;
  reqs.push(parseRequest(`${rnd(3) ? 'GET' : 'POST'} ${url}`, rnd(2) ? [`x-tenant: t${rnd(8)}`] : []));
}
let hits = 0;
for (const q of reqs) if (router.match(q)) hits++;
console.log(`request mix: ${POOL} distinct requests, ${(hits / POOL * 100).toFixed(0)}% routed, the rest 404`);

// Warm up, then timed rounds.
let sink = 0;
for (let i = 0; i < 200_000; i++) if (router.match(reqs[i & (POOL - 1)]!)) sink++;
const rates: number[] = [], cpuRates: number[] = [];
const per = Math.floor(N / 5);
for (let round = 0; round < 5; round++) {
  const c0 = process.cpuUsage();
  const s = performance.now();
  for (let i = 0; i < per; i++) if (router.match(reqs[i & (POOL - 1)]!)) sink++;
  const wall = (performance.now() - s) / 1000;
  const c = process.cpuUsage(c0);
  rates.push(per / wall);
  cpuRates.push(per / ((c.user + c.system) / 1e6));
}
console.log(`match: median ${(median(rates) / 1e6).toFixed(2)} M requests/s wall, ${(median(cpuRates) / 1e6).toFixed(2)} M requests/s per CPU second (5 rounds x ${per})`);
// explain() (CLI path: also finds the runner-up) for comparison
const s = performance.now();
for (let i = 0; i < 100_000; i++) if (router.route(reqs[i & (POOL - 1)]!).backend) sink++;
console.log(`route() with explanation: ${(100_000 / ((performance.now() - s) / 1000) / 1e6).toFixed(2)} M requests/s`);
console.log(`sink ${sink}`);
