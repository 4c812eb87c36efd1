// False BFD failures under a real full-table load, necod against BIRD 2 and FRR in the same run.
// Three devices under test, each in its own namespace with one link to a shared peer namespace:
// necod (the daemon, `kernel: {table: 100}`), BIRD (`protocol kernel`, table 100) and FRR
// (zebra + bgpd installing into the main table, bfdd). In the peer namespace one BIRD answers a
// BFD session to each (from a second address on each link, so the BFD sessions stand apart from
// the BGP sessions), and one feeder per device (bench/lib/feeder.ts) sends 1M IPv4 prefixes over
// iBGP, then withdraws them. All three ingest, install and withdraw at the same time while their
// BFD runs at 20 × 3 or 10 × 3; every Up → Down any of them reports on a healthy link is a false
// failure. Three runs per interval. Also printed: the load average, necod's worst transmit
// lateness as the BFD process measured it (its session view), and each device's time to install.
// Not a test: it asserts nothing. Root; `npm run build && node dist/bench/bfd-false-downs.bench.js`
// (FALSE_DOWN_ROUTES=1000000, FALSE_DOWN_RUNS=3, FALSE_DOWN_INTERVALS=20,10, FALSE_DOWN_PEER_RT=20, FALSE_DOWN_PEER_NICE=-20,
// FALSE_DOWN_ONE_AT_A_TIME=1 to load the devices one after the other).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, packWithdrawals, type Ipv4PrefixList } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { Lab, NECOD_JS, apiRequest, cleanupStale, run, sleep, waitFor } from '../test/interop/harness/index.js';
import { feed } from './lib/feeder.js';
import { ipv4FullTable } from './lib/table.js';

type Dut = 'necod' | 'bird' | 'frr';
const DUTS: readonly Dut[] = ['necod', 'bird', 'frr'];
const ROUTES = Number(process.env.FALSE_DOWN_ROUTES ?? 1_000_000);
const RUNS = Number(process.env.FALSE_DOWN_RUNS ?? 3);
const INTERVALS = (process.env.FALSE_DOWN_INTERVALS ?? '20,10').split(',').map(Number);
/** Load one device at a time (the others idle, sessions up) instead of all three at once. */
const ONE_AT_A_TIME = process.env.FALSE_DOWN_ONE_AT_A_TIME === '1';
const MULT = 3;
const AS = 64600;
const FRR = '/usr/lib/frr';
/** Per device: the peer's BGP address (feeder), its BFD address, and the device's address. */
const LINK: Record<Dut, { feeder: string; bfd: string; dut: string }> = {
  necod: { feeder: '10.76.1.1', bfd: '10.76.1.3', dut: '10.76.1.2' },
  bird: { feeder: '10.76.2.1', bfd: '10.76.2.3', dut: '10.76.2.2' },
  frr: { feeder: '10.76.3.1', bfd: '10.76.3.3', dut: '10.76.3.2' },
};

// ---- the feeder: its own process in the peer namespace ----------------------------------------

async function feederMain(): Promise<void> {
  const local = process.env.FEEDER_LOCAL ?? '';
  const table = ipv4FullTable(ROUTES);
  const per = Math.ceil(ROUTES / 100);
  const announce: Uint8Array[] = [];
  const withdraw: Uint8Array[] = [];
  for (let g = 0; g < 100 && g * per < ROUTES; g++) {
    const part: Ipv4PrefixList = { afi: 1, count: Math.min(ROUTES, (g + 1) * per) - g * per, keys: table.keys.subarray(g * per, Math.min(ROUTES, (g + 1) * per)), pathIds: null };
    const attrs = [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100 + g] }]), makeAttribute('LOCAL_PREF', 100), makeAttribute('NEXT_HOP', parseIpv4(local)!)];
    announce.push(...packAnnouncements(attrs, part, AS4_CONTEXT));
    withdraw.push(...packWithdrawals(part, AS4_CONTEXT));
  }
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  for (;;) {
    const cmd = (await lines.next()).value as string | undefined;
    if (cmd === undefined || cmd === 'stop') break;
    if (cmd !== 'go') continue;
    const f = await feed({ host: process.env.FEEDER_TARGET ?? '', port: 179, localAddress: local, asn: AS, routerId: local, updates: announce });
    process.stdout.write('fed\n');
    await lines.next(); // "withdraw"
    for (const u of withdraw) if (!f.socket.write(u)) await new Promise<void>((r) => f.socket.once('drain', () => r()));
    process.stdout.write('withdrawn\n');
    await lines.next(); // "close"
    f.socket.destroy();
  }
  process.exit(0);
}

// ---- the devices ----------------------------------------------------------------------------

interface Device {
  dut: Dut;
  ns: string;
  /** Up → Down events so far. */
  downs(): Promise<number>;
  /** Routes of the feed now in the kernel. */
  installed(): Promise<number>;
  /** necod only: the worst transmit lateness the BFD process saw, µs. */
  txLateUs?(): Promise<number | null>;
  /** necod only: the Downs since a wall time (ms) by diagnostic. */
  diags?(since: number): string;
}

async function countRoutes(ns: string, args: string[]): Promise<number> {
  const { stdout } = await run(['sh', '-c', `ip -n ${ns} -4 route show ${args.join(' ')} | wc -l`], { timeoutMs: 60_000 });
  return Number(stdout.trim());
}

function countLines(path: string, re: RegExp): number {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => re.test(l)).length;
  } catch {
    return 0;
  }
}

async function startNecod(lab: Lab, ns: string, interval: number): Promise<Device> {
  const l = LINK.necod;
  const sock = lab.path('necod.sock');
  const conf = lab.writeFile(
    'necod.yaml',
    `${JSON.stringify({
      'router-id': l.dut,
      asn: AS,
      listen: { address: l.dut, port: 179 },
      api: { socket: sock },
      log: { level: 'info' },
      bfd: { interval, multiplier: MULT },
      kernel: { table: 100 },
      neighbors: [
        { name: 'feeder', address: l.feeder, 'local-address': l.dut, 'remote-as': AS, passive: true },
        { name: 'bfd-peer', address: l.bfd, 'local-address': l.dut, 'remote-as': AS, passive: true, bfd: true },
      ],
    })}\n`,
  );
  lab.spawnIn(ns, [process.execPath, NECOD_JS, '--config', conf], { name: 'necod' });
  const sessions = async () => ((await apiRequest(sock, 'GET', '/v1/bfd/sessions')).body as { sessions: { downCount: number; txLateMaxUs: number }[] }).sessions;
  await waitFor(async () => (await sessions().catch(() => [])).length > 0, { timeoutMs: 20_000, what: 'necod API' });
  return {
    dut: 'necod',
    ns,
    downs: async () => (await sessions())[0]?.downCount ?? 0,
    diags: (since) => {
      // diag 1: necod heard nothing for a detection time; 3: the peer did not hear necod.
      const lines = readFileSync(lab.path('necod.log'), 'utf8').split('\n').filter((l) => l.includes('"BFD session down"'));
      const count = (d: string) => lines.filter((l) => l.includes(d) && (JSON.parse(l) as { time: number }).time >= since).length;
      return `${count('"diag":"Control Detection Time Expired"')} diag 1, ${count('"diag":"Neighbor Signaled Session Down"')} diag 3`;
    },
    installed: () => countRoutes(ns, ['table', '100']),
    txLateUs: async () => (await sessions())[0]?.txLateMaxUs ?? null,
  };
}

async function startBird(lab: Lab, ns: string, interval: number): Promise<Device> {
  const l = LINK.bird;
  const log = lab.path('dut-bird.log');
  const conf = lab.writeFile(
    'dut-bird.conf',
    [
      `router id ${l.dut};`,
      `log "${log}" all;`,
      'protocol device {}',
      'protocol kernel { kernel table 100; ipv4 { export all; import none; }; }',
      'protocol bfd {',
      `  interface "*" { min rx interval ${interval} ms; min tx interval ${interval} ms; multiplier ${MULT}; };`,
      `  neighbor ${l.bfd} local ${l.dut};`,
      '  debug { states, events };',
      '}',
      `protocol bgp feeder { local ${l.dut} as ${AS}; neighbor ${l.feeder} as ${AS}; direct; passive on; ipv4 { import all; export none; }; }`,
      '',
    ].join('\n'),
  );
  lab.spawnIn(ns, ['bird', '-f', '-c', conf, '-s', lab.path('dut-bird.ctl'), '-P', lab.path('dut-bird.pid')], { name: 'dut-bird' });
  return {
    dut: 'bird',
    ns,
    downs: async () => countLines(log, /changed state from Up to Down/),
    installed: () => countRoutes(ns, ['table', '100']),
  };
}

async function startFrr(lab: Lab, ns: string, interval: number): Promise<Device> {
  const l = LINK.frr;
  const dir = lab.path('frr');
  mkdirSync(dir, { recursive: true });
  // The daemons run as frr: the lab directory must be traversable.
  chmodSync(lab.dir, 0o711);
  const uid = Number((await run(['id', '-u', 'frr'])).stdout.trim());
  const gid = Number((await run(['id', '-g', 'frr'])).stdout.trim());
  chownSync(dir, uid, gid);
  const file = (name: string, text: string) => {
    writeFileSync(`${dir}/${name}`, text);
    chownSync(`${dir}/${name}`, uid, gid);
    return `${dir}/${name}`;
  };
  const common = ['--vty_socket', dir, '-u', 'frr', '-g', 'frr', '-P', '0'];
  const zebra = file('zebra.conf', 'hostname dut-zebra\n');
  lab.spawnIn(ns, [`${FRR}/zebra`, '-f', zebra, '-i', `${dir}/zebra.pid`, '-z', `${dir}/zserv.api`, ...common], { name: 'dut-zebra' });
  await waitFor(() => readFileSync(`${dir}/zebra.pid`, 'utf8').length > 0, { timeoutMs: 10_000, what: 'zebra' }).catch(() => undefined);
  await sleep(500);
  const bfdLog = `${dir}/bfdd.log`;
  const bfdd = file(
    'bfdd.conf',
    ['hostname dut-bfdd', `log file ${bfdLog} debugging`, 'debug bfd peer', 'bfd', ` peer ${l.bfd} local-address ${l.dut}`, `  receive-interval ${interval}`, `  transmit-interval ${interval}`, `  detect-multiplier ${MULT}`, ' !', '!', ''].join('\n'),
  );
  lab.spawnIn(ns, [`${FRR}/bfdd`, '-f', bfdd, '-i', `${dir}/bfdd.pid`, '--bfdctl', `${dir}/bfdd.sock`, ...common], { name: 'dut-bfdd' });
  const bgpd = file(
    'bgpd.conf',
    ['hostname dut-bgpd', `router bgp ${AS}`, ` bgp router-id ${l.dut}`, ' no bgp default ipv4-unicast', ` neighbor ${l.feeder} remote-as ${AS}`, ` neighbor ${l.feeder} passive`, ' address-family ipv4 unicast', `  neighbor ${l.feeder} activate`, ' exit-address-family', '!', ''].join('\n'),
  );
  lab.spawnIn(ns, [`${FRR}/bgpd`, '-f', bgpd, '-i', `${dir}/bgpd.pid`, '-z', `${dir}/zserv.api`, ...common], { name: 'dut-bgpd' });
  return {
    dut: 'frr',
    ns,
    downs: async () => countLines(bfdLog, /state-change: .* up -> down/),
    installed: () => countRoutes(ns, ['proto', 'bgp']),
  };
}

function peerBirdConf(interval: number): string {
  return [
    `router id ${LINK.necod.bfd};`,
    'protocol device {}',
    'protocol bfd {',
    `  interface "*" { min rx interval ${interval} ms; min tx interval ${interval} ms; multiplier ${MULT}; };`,
    ...DUTS.map((d) => `  neighbor ${LINK[d].dut} local ${LINK[d].bfd};`),
    '}',
    '',
  ].join('\n');
}

interface Feeder {
  child: ChildProcess;
  next(): Promise<string>;
}

function startFeeder(lab: Lab, peerNs: string, dut: Dut): Feeder {
  const child = spawn('ip', ['netns', 'exec', peerNs, process.execPath, process.argv[1] ?? '', '--feeder'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, FEEDER_LOCAL: LINK[dut].feeder, FEEDER_TARGET: LINK[dut].dut },
  });
  lab.addCleanup(() => child.kill('SIGKILL'));
  const it = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, next: async () => ((await it.next()).value as string | undefined) ?? 'eof' };
}

// ---- one interval: a lab, RUNS load cycles ------------------------------------------------------

async function runInterval(interval: number): Promise<string[]> {
  const lab = Lab.create();
  const rows: string[] = [];
  try {
    const p = await lab.addNamespace('peer');
    const ns: Record<Dut, string> = { necod: await lab.addNamespace('necod'), bird: await lab.addNamespace('bird'), frr: await lab.addNamespace('frr') };
    for (const d of DUTS) {
      await lab.link({ ns: p, iface: `p-${d}`, addrs: [`${LINK[d].feeder}/24`, `${LINK[d].bfd}/24`] }, { ns: ns[d], iface: 'd0', addrs: [`${LINK[d].dut}/24`] });
    }
    lab.writeFile('peer.conf', peerBirdConf(interval));
    // The peer answers all three devices and is not under test: it runs real time
    // (FALSE_DOWN_PEER_RT, SCHED_FIFO priority, default 20; 0 for nice FALSE_DOWN_PEER_NICE,
    // default -20), so that its own lateness does not count against the devices. At nice -20 the
    // peer itself went silent under the three full-table loads and caused most of the Downs.
    const peerRt = Number(process.env.FALSE_DOWN_PEER_RT ?? 20);
    const peerNice = process.env.FALSE_DOWN_PEER_NICE ?? '-20';
    const peerPrefix = peerRt > 0 ? ['chrt', '-f', String(peerRt)] : ['nice', '-n', peerNice];
    lab.spawnIn(p, [...peerPrefix, 'bird', '-f', '-c', lab.path('peer.conf'), '-s', lab.path('peer.ctl'), '-P', lab.path('peer.pid')], { name: 'peer-bird' });
    const devices = [await startNecod(lab, ns.necod, interval), await startBird(lab, ns.bird, interval), await startFrr(lab, ns.frr, interval)];
    const feeders = DUTS.map((d) => startFeeder(lab, p, d));
    for (const f of feeders) if ((await f.next()) !== 'ready') throw new Error('feeder did not start');
    await waitFor(async () => (await run(['birdc', '-s', lab.path('peer.ctl'), 'show', 'bfd', 'sessions'])).stdout.split('\n').filter((x) => / Up /.test(x)).length === DUTS.length, {
      timeoutMs: 30_000,
      what: 'three BFD sessions Up',
    });
    await sleep(3000);
    for (let r = 0; r < RUNS; r++) {
      const before = await Promise.all(devices.map((d) => d.downs()));
      const wallStart = Date.now();
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      // All devices loaded at once, or (FALSE_DOWN_ONE_AT_A_TIME=1) one after the other while
      // the others idle with their sessions up.
      const groups = ONE_AT_A_TIME ? devices.map((_, i) => [i]) : [devices.map((_, i) => i)];
      const installedAt: (number | null)[] = devices.map(() => null);
      for (const group of groups) {
        const t0 = performance.now();
        for (const i of group) feeders[i]?.child.stdin?.write('go\n');
        await Promise.all(
          group.map(async (i) => {
            const d = devices[i]!; // i < devices.length
            installedAt[i] = await waitFor(async () => ((await d.installed()) >= ROUTES ? performance.now() - t0 : null), { timeoutMs: 900_000, intervalMs: 2000, what: `${d.dut} installs ${ROUTES}` }).catch(() => null);
          }),
        );
        for (const i of group) feeders[i]?.child.stdin?.write('withdraw\n');
        await Promise.all(group.map((i) => waitFor(async () => (await devices[i]!.installed()) < 10, { timeoutMs: 900_000, intervalMs: 2000, what: `${devices[i]!.dut} withdraws` }).catch(() => null)));
        for (const i of group) feeders[i]?.child.stdin?.write('close\n');
      }
      await sleep(3000);
      const after = await Promise.all(devices.map((d) => d.downs()));
      const late = await devices[0]?.txLateUs?.();
      const loadEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const diags = devices[0]?.diags?.(wallStart);
      const fmt = (i: number) => `${after[i]! - before[i]!}${i === 0 && diags !== undefined ? ` (${diags})` : ''} (install ${installedAt[i] === null ? '—' : `${(installedAt[i]! / 1000).toFixed(0)} s`})`;
      const row = `| ${interval} ms × ${MULT} | ${r + 1} | ${fmt(0)} | ${fmt(1)} | ${fmt(2)} | ${late === null || late === undefined ? '—' : `${(late / 1000).toFixed(1)} ms`} | ${load} → ${loadEnd} |`;
      rows.push(row);
      process.stdout.write(`${row}\n`);
    }
    for (const f of feeders) f.child.stdin?.end('stop\n');
  } catch (err) {
    rows.push(`| ${interval} ms × ${MULT} | failed: ${err instanceof Error ? err.message.slice(0, 200) : String(err)} |`);
    process.stdout.write(`${rows.at(-1)}\n${lab.logs(40)}\n`);
  } finally {
    await lab.destroy().catch(() => undefined);
  }
  return rows;
}

async function main(): Promise<void> {
  if (process.argv.includes('--feeder')) return feederMain();
  cleanupStale();
  process.stdout.write(`False BFD Downs while each device ingests, installs and withdraws ${ROUTES} routes (${ONE_AT_A_TIME ? 'one device at a time' : 'all three at once'})\n`);
  process.stdout.write('| BFD | run | necod Downs | BIRD Downs | FRR Downs | necod worst TX lateness | load average (1, 5, 15 min) start → end |\n|---|---:|---:|---:|---:|---:|---|\n');
  const rows: string[] = [];
  for (const interval of INTERVALS) rows.push(...(await runInterval(interval)));
  process.stdout.write(`\n${rows.join('\n')}\n`);
}

await main();
