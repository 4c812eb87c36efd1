// A server's necod configuration, made from docs/examples/server.yaml: the example is the template
// every server of the virtual data center runs, so the file a user copies is the file the suite
// proves. Only what differs per server changes (router id, AS, the uplink addresses); everything
// else is passed through as the example spells it. It does not start anything.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { REPO_ROOT, type NecodNeighborSpec, type NecodSpec } from '../interop/harness/index.js';
import type { ServerPlan } from './fabric-plan.js';

export const SERVER_EXAMPLE = `${REPO_ROOT}docs/examples/server.yaml`;

type Doc = Record<string, unknown>;

function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys the runner writes itself (from the spec) or that differ per server. */
const OWN_TOP = new Set(['router-id', 'asn', 'listen', 'api', 'log', 'neighbors']);
const OWN_NEIGHBOR = new Set(['name', 'address', 'local-address', 'remote-as']);

export interface ServerOverrides {
  /** Top-level keys replacing the example's (e.g. `bfd` timing for a benchmark run). */
  top?: Doc;
  /** Keys merged into every neighbor (e.g. a lower `max-prefixes` for the flood case). */
  neighbor?: Doc;
  /** Where necod listens; default the example's `listen`. */
  listen?: NecodSpec['listen'];
}

export function serverNecodSpec(server: ServerPlan, overrides: ServerOverrides = {}, templatePath = SERVER_EXAMPLE): NecodSpec {
  const doc: unknown = parse(readFileSync(templatePath, 'utf8'));
  if (!isDoc(doc) || !Array.isArray(doc.neighbors)) throw new Error(`${templatePath}: expected a mapping with a neighbors list`);
  const templates = doc.neighbors.filter(isDoc);
  if (templates.length !== server.uplinks.length) {
    throw new Error(`${templatePath}: ${templates.length} neighbors, but the server has ${server.uplinks.length} uplinks`);
  }
  const neighbors: NecodNeighborSpec[] = server.uplinks.map((up, i) => {
    const t = templates[i] ?? {};
    const extra: Doc = {};
    for (const [k, v] of Object.entries(t)) if (!OWN_NEIGHBOR.has(k)) extra[k] = v;
    return {
      name: typeof t.name === 'string' ? t.name : `tor${i + 1}`,
      address: up.torAddress,
      localAddress: up.address,
      remoteAs: server.asn,
      extra: { ...extra, ...overrides.neighbor },
    };
  });
  const extra: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!OWN_TOP.has(k)) extra[k] = v;
  const listen = isDoc(doc.listen) && typeof doc.listen.address === 'string' ? { address: doc.listen.address } : false;
  return {
    asn: server.asn,
    routerId: server.mgmt,
    listen: overrides.listen ?? listen,
    neighbors,
    extra: { ...extra, ...overrides.top },
  };
}
