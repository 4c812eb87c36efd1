// The lab of ./scripts/lab.sh: the virtual data center of test/support/fabric.ts with fixed,
// readable namespace names (lab-spine1, lab-r1-tor1, lab-r1-srv1, ...), shown and exercised the
// way an operator would: sessions, BFD, routes and the kernel's ECMP routes on one server, a ping
// across racks, and one uplink cut with the measured failover. `--keep` leaves it running,
// `--down` removes a kept one. Not a test: it asserts nothing, it shows.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Lab, REPO_ROOT, listNamespaces, killAndDeleteNamespaceSync, sleep } from '../test/interop/harness/index.js';
import { buildFabric, type Fabric, type ServerNode } from '../test/support/fabric.js';

const PREFIX = 'lab';
const DIR = '/tmp/necod-lab';

function step(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

/** Runs a command in a namespace and prints its output as it is. */
function show(ns: string, argv: readonly string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 15_000 });
  process.stdout.write(r.stdout + r.stderr);
}

function cli(server: ServerNode, args: readonly string[]): void {
  const sock = server.necod?.socketPath ?? '';
  show(server.ns, [process.execPath, `${REPO_ROOT}bin/necod-cli.js`, '--socket', sock, ...args]);
}

function down(): void {
  for (const ns of listNamespaces()) if (ns.startsWith(`${PREFIX}-`)) killAndDeleteNamespaceSync(ns);
  rmSync(DIR, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? '';
  if (!['', '--keep', '--down'].includes(mode)) {
    process.stderr.write('usage: lab [--keep|--down]\n');
    process.exit(2);
  }
  down();
  if (mode === '--down') return;

  const started = performance.now();
  step('building the data center: 2 spines, 2 racks × (2 ToRs + 2 servers)');
  const lab = Lab.create({ fixed: { prefix: PREFIX, dir: DIR } });
  let dc: Fabric;
  try {
    dc = await buildFabric(lab);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${lab.logs(20)}\n`);
    await lab.destroy().catch(() => undefined);
    process.exit(1);
  }
  process.stdout.write(`built and converged in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const srv = dc.server('r1-srv1');
  const far = dc.server('r2-srv1');

  step(`${srv.label}: necod-cli show protocols`);
  cli(srv, ['show', 'protocols']);
  step(`${srv.label}: necod-cli show bfd`);
  cli(srv, ['show', 'bfd']);
  step(`${srv.label}: necod-cli show routes`);
  cli(srv, ['show', 'routes']);
  step(`${srv.label}: ip route (ECMP over both uplinks; in-rack next hops are the other server's uplinks)`);
  show(srv.ns, ['ip', 'route', 'show']);
  show(srv.ns, ['ip', 'route', 'get', far.plan.mgmt, 'from', srv.plan.mgmt]);

  step(`ping ${far.label} (${far.plan.mgmt}) from ${srv.label}'s node0 (${srv.plan.mgmt})`);
  show(srv.ns, ['ping', '-c', '3', '-i', '0.2', '-I', srv.plan.mgmt, far.plan.mgmt]);

  const up = srv.plan.uplinks[0];
  if (up !== undefined) {
    step(`cut ${srv.label} ${up.iface} (nftables drop, link stays up): failover`);
    const ping = dc.startPing(srv, far.plan.mgmt, 2);
    await sleep(500);
    const t0 = performance.now();
    const drop = await dc.cut(srv, 0);
    const inRack = dc.server('r1-srv2');
    const [local, peerSide] = await Promise.all([
      dc.timeUntilLeaves(srv, `${far.plan.mgmt}/32`, up.torAddress, t0, 10_000),
      dc.timeUntilLeaves(inRack, `${srv.plan.mgmt}/32`, up.address, t0, 10_000),
    ]);
    await sleep(500);
    const lost = await ping.stop();
    const fmt = (v: number | null): string => (v === null ? 'not within 10 s' : `${v.toFixed(0)} ms`);
    process.stdout.write(
      `${srv.label} dropped ${up.torAddress} from its route to ${far.plan.mgmt}: ${fmt(local)} after the cut\n` +
        `${inRack.label} dropped ${up.address} from its route to ${srv.plan.mgmt}: ${fmt(peerSide)} after the cut\n` +
        `ping every 2 ms ${srv.label} → ${far.label}: ${lost.lost} of ${lost.transmitted} lost\n`,
    );
    show(srv.ns, ['ip', 'route', 'show', `${far.plan.mgmt}/32`]);
    step('restore the uplink: ECMP comes back');
    await drop.undrop();
    await dc.waitForEcmp(30_000);
    show(srv.ns, ['ip', 'route', 'show', `${far.plan.mgmt}/32`]);
  }

  if (mode === '--keep') {
    lab.detach();
    step('left running');
    process.stdout.write(
      `  ip netns exec ${srv.ns} node bin/necod-cli.js --socket ${srv.necod?.socketPath ?? ''} show routes\n` +
        `  birdc -s ${dc.tors[0]?.bird.socketPath ?? ''} show protocols\n` +
        `  logs and configs: ${DIR}\n  ./scripts/lab.sh --down removes it\n`,
    );
    process.exit(0);
  }
  await lab.destroy();
}

await main();
