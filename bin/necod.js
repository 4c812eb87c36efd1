#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --heap-growing-percent=50
// Memory settings of the daemon, measured on a full table (docs/performance.md, "Where necod's
// memory goes"): a young generation of 4 MiB semi-spaces, not V8's default of up to 16 (after an
// ingest burst the larger one stays resident, tens of MiB that are not routes); glibc's malloc
// with a fixed 128 KiB mmap threshold, so that the backing stores of large typed arrays, freed
// when a table grows or a batch ends, go back to the kernel at once instead of staying in the
// malloc heap (glibc otherwise raises the threshold after the first such free); at most two
// malloc arenas for V8's background threads; an old generation allowed to grow to 1.5 times what
// was live after the last full collection (V8 picks a factor of up to 4 from how fast it collects,
// which during a full-table install left 40-60 MiB of dead objects on top of the tables).
import '../dist/src/cli/necod.js';
