// planReload: which changes restart a session, which are applied to it live, which are refused.
import { describe, expect, it } from 'vitest';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { diffConfig } from '../../../src/config/diff-config.js';
import { planReload } from '../../../src/routing/reload.js';

const base = (neighbor: string, extra = ''): NecodConfig => {
  const r = parseConfig(
    `router-id: 10.0.0.1\nasn: 64600\nneighbors:\n  - {name: tor1, address: 10.69.0.1, remote-as: 64600${neighbor}}\n  - {name: tor2, address: 10.69.1.1, remote-as: 64600}\n` +
      `policies:\n  out: {default: accept}\n${extra}`,
    'necod.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
};
const plan = (before: NecodConfig, after: NecodConfig) => planReload(diffConfig(before, after), after);

describe('planReload', () => {
  it('restarts only the neighbor whose session parameter changed', () => {
    expect(plan(base(''), base(', hold-time: 30'))).toMatchObject({ plan: { restart: ['tor1'], reapply: [], retune: [] } });
  });

  it('applies a filter change live: export re-evaluated, import by route refresh', () => {
    expect(plan(base(''), base(', export: out'))).toMatchObject({ plan: { restart: [], reapply: [{ name: 'tor1', import: false, export: true }] } });
    expect(plan(base(''), base(', import: none'))).toMatchObject({ plan: { restart: [], reapply: [{ name: 'tor1', import: true, export: false }] } });
    expect(plan(base(''), base(', next-hop-rewrite: false'))).toMatchObject({ plan: { reapply: [{ name: 'tor1', import: true }] } });
  });

  it('re-applies a changed policy to the neighbors that use it', () => {
    const before = base(', export: out');
    const changed = { ...before, policies: before.policies.map((p) => ({ ...p, defaultAction: 'reject' as const })) };
    expect(plan(before, changed)).toMatchObject({ plan: { restart: [], reapply: [{ name: 'tor1', export: true }] } });
  });

  it('takes shutdown without a new session, and a session change with it as a restart', () => {
    expect(plan(base(''), base(', shutdown: true'))).toMatchObject({ plan: { restart: [], reapply: [], retune: ['tor1'] } });
    expect(plan(base(''), base(', shutdown: true, port: 1179'))).toMatchObject({ plan: { restart: ['tor1'], retune: [] } });
  });

  it('takes BFD on, off or with new intervals without a new BGP session or a refresh', () => {
    expect(plan(base(''), base(', bfd: true'))).toMatchObject({ plan: { restart: [], reapply: [], retune: ['tor1'] } });
    expect(plan(base(', bfd: true'), base(', bfd: {interval: 50, multiplier: 5}'))).toMatchObject({ plan: { restart: [], reapply: [], retune: ['tor1'] } });
    expect(plan(base(', bfd: true'), base(''))).toMatchObject({ plan: { restart: [], reapply: [], retune: ['tor1'] } });
  });

  it('refuses what a running necod cannot change, naming each key', () => {
    const before = base('');
    expect(plan(before, { ...before, asn: 64700, kernel: { ...before.kernel, metric: 7 } })).toEqual({
      refused: ['asn cannot change while necod runs; restart necod to apply it', 'kernel.metric cannot change while necod runs; restart necod to apply it'],
    });
  });

  it('applies the log level and static routes', () => {
    const before = base('');
    const after = { ...before, log: { level: 'debug' as const }, originate: { ...before.originate, static: [{ ...staticRoute() }] } };
    expect(plan(before, after)).toMatchObject({ plan: { logLevel: 'debug', staticRoutes: true } });
  });
});

function staticRoute(): NecodConfig['originate']['static'][number] {
  const r = parseConfig('router-id: 10.0.0.1\nasn: 64600\noriginate: {static: [{prefix: 10.64.0.0/24, blackhole: true}]}\n', 'x.yaml');
  if (!r.ok) throw new Error('bad');
  return r.config.originate.static[0] as NecodConfig['originate']['static'][number];
}
