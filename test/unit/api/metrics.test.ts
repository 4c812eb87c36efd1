// GET /metrics' own series, fed from plain sources: the kernel write-latency histogram observes
// every batch, the BFD series follow the worker's sessions, and a scrape asks the worker once.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/api/metrics.js';
import type { BfdSessionView } from '../../../src/bfd/messages.js';

function bfdSession(remote: string, state: BfdSessionView['state'], downCount: number): BfdSessionView {
  return {
    id: remote,
    local: '10.69.0.5',
    remote,
    multihop: false,
    state,
    remoteState: state,
    since: 0,
    localDiscriminator: 1,
    remoteDiscriminator: 2,
    localDiag: 0,
    remoteDiag: 0,
    txIntervalUs: 100_000,
    detectTimeUs: 300_000,
    desiredMinTxUs: 100_000,
    requiredMinRxUs: 100_000,
    detectMult: 3,
    remoteDesiredMinTxUs: 100_000,
    remoteRequiredMinRxUs: 100_000,
    remoteDetectMult: 3,
    sourcePort: 49152,
    auth: null,
    upCount: 1,
    downCount,
    packetsIn: 0,
    packetsOut: 0,
    discards: 0,
  } as BfdSessionView;
}

describe('metrics', () => {
  it('observes each kernel batch in necod_kernel_write_duration_seconds', async () => {
    let batch: (b: { ms: number; lines: number; failures: number }) => void = () => undefined;
    const m = createMetrics({ neighbors: { listNeighbors: () => [] }, routes: () => ({ ipv4: 0, ipv6: 0 }), kernel: () => null, onKernelBatch: (fn) => (batch = fn) });
    batch({ ms: 0.7, lines: 1, failures: 0 });
    batch({ ms: 1800, lines: 60_000, failures: 0 });
    const text = await m.text();
    expect(text).toContain('# TYPE necod_kernel_write_duration_seconds histogram');
    expect(text).toContain('necod_kernel_write_duration_seconds_bucket{le="0.001"} 1');
    expect(text).toContain('necod_kernel_write_duration_seconds_bucket{le="2.5"} 2');
    expect(text).toContain('necod_kernel_write_duration_seconds_count 2');
    expect(text).toMatch(/^necod_kernel_write_duration_seconds_sum 1\.8007/m);
  });

  it('shows BFD state, downs and detection time per peer, asking the worker once per scrape', async () => {
    let asked = 0;
    const m = createMetrics({
      neighbors: { listNeighbors: () => [] },
      routes: () => ({ ipv4: 0, ipv6: 0 }),
      kernel: () => null,
      bfdSessions: async () => {
        asked++;
        return [bfdSession('10.69.0.1', 'Up', 2), bfdSession('10.69.1.1', 'Down', 5)];
      },
    });
    const text = await m.text();
    expect(asked).toBe(1);
    expect(text).toContain('necod_bfd_session_state{peer="10.69.0.1",state="Up"} 1');
    expect(text).toContain('necod_bfd_session_state{peer="10.69.0.1",state="Down"} 0');
    expect(text).toContain('necod_bfd_session_state{peer="10.69.1.1",state="Down"} 1');
    expect(text).toContain('necod_bfd_session_down_total{peer="10.69.1.1"} 5');
    expect(text).toContain('necod_bfd_detect_time_seconds{peer="10.69.0.1"} 0.3');
  });
});
