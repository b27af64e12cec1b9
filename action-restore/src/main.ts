// Placeholder entry until the action is built (see the open issues).
process.stdout.write('not yet implemented\n');
process.exitCode = 1;
