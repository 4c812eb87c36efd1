#!/usr/bin/env node
import '../dist/src/cli/necod-cli.js';
