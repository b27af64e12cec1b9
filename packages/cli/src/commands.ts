// The command table. Adding a command: create `<name>.ts` exporting a `Command`, and add one line here.
// Commands load lazily so `efs-dr plan` never pays for the Kubernetes or AWS clients.
import type { Command } from './command.ts';

export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

export const commands: Record<string, CommandEntry> = {
  plan: {
    summary: 'Validate requests, check conflicts against a base checkout, and show what would be created.',
    load: async () => (await import('./plan.ts')).planCommand,
  },
  apply: {
    summary: 'Provision the requested volumes: EFS directory, manifest, PV and PVC (Bound), report row.',
    load: async () => (await import('./apply.ts')).applyCommand,
  },
  restore: {
    summary:
      'Fail over: bring the committed volumes up on the target cluster against the replica, and report each.',
    load: async () => (await import('./restore.ts')).restoreCommand,
  },
};
