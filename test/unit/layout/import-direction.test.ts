// src/ has no import cycle and no arrow against the layout table; fixtures show both are caught.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forbiddenArrows, importCycles, importEdges, roomOf } from './import-graph.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

describe('import graph of src/', () => {
  const edges = importEdges(here('../../../src'));

  it('reads the imports (a sanity floor, so an empty graph cannot pass)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'daemon.ts', to: 'routing/route-engine.ts' });
  });

  it('has no arrow against the layout table', () => {
    expect(forbiddenArrows(edges)).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(importCycles(edges)).toEqual([]);
  });
});

describe('the check itself', () => {
  it('catches an import from a lower room into a higher one, static or dynamic', () => {
    const found = forbiddenArrows(importEdges(here('./fixtures/wrong-way/src')));
    expect(found).toEqual([
      'rib/table.ts -> routing/wiring.ts (rib -> routing)',
      'routing/wiring.ts -> api/server.ts (routing -> api)',
    ]);
  });

  it('catches a cycle made of type-only imports', () => {
    expect(importCycles(importEdges(here('./fixtures/cycle/src')))).toEqual([['bgp/a.ts', 'bgp/b.ts']]);
  });

  it('tells the codec apart from the session room', () => {
    expect(roomOf('bgp/wire/update.ts')).toBe('bgp/wire');
    expect(roomOf('bgp/peer.ts')).toBe('bgp');
    expect(roomOf('daemon.ts')).toBe('daemon');
  });
});
