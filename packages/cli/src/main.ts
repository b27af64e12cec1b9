#!/usr/bin/env node
process.stderr.write('efs-dr: not yet implemented\n');
process.exitCode = 2;
