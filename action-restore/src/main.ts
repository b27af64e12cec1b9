// Entry point of action-restore (bundled to dist/index.js). Everything happens in run().
import { run } from './run.ts';

await run();
