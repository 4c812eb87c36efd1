#!/usr/bin/env -S node --max-semi-space-size=4
// A young generation of 4 MiB semi-spaces, not V8's default of up to 16: after an ingest
// burst the larger one stays resident, tens of MiB that are not routes (docs/performance.md).
import '../dist/src/cli/necod.js';
