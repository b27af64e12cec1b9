// The example workflows users copy must fit action-create's action.yml: every `with:` key is an input,
// every required input is given, and the `uses:` points at the action. The action's input and output
// names in code must be exactly those of action.yml.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Inputs, Outputs } from '../../action-create/src/constants.ts';
import { ACTION_YML, REPO_ROOT } from './action-create-support.ts';

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}
interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { 'runs-on': unknown; steps: Step[] }>;
}

const action = parse(await readFile(ACTION_YML, 'utf8')) as ActionYml;
const dir = join(REPO_ROOT, 'examples/workflows');
const workflows = Object.fromEntries(
  await Promise.all(
    (await readdir(dir))
      .filter((f) => f.endsWith('.yml'))
      .map(async (f) => [f, parse(await readFile(join(dir, f), 'utf8')) as Workflow] as const),
  ),
);
/** A workflow expression as written in YAML, `${{ x }}`. */
const expression = (x: string): string => `$\{{ ${x} }}`;
const createSteps = (w: Workflow): Step[] =>
  Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => /(^|\/)action-create(@|$)/.test(s.uses ?? '')));

describe('action-create names in code', () => {
  it('are exactly the inputs and outputs of action.yml', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(action.inputs).sort());
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('example workflows', () => {
  it('include plan, apply and reconcile, each using action-create', () => {
    // (failover.yml uses action-restore: test/e2e/action-restore-workflow.test.ts checks it.)
    const usingCreate = Object.keys(workflows).filter(
      (f) => createSteps(workflows[f] as Workflow).length > 0,
    );
    expect(usingCreate.sort()).toEqual(['apply.yml', 'plan.yml', 'reconcile.yml']);
  });

  it.each(Object.keys(workflows))(
    '%s passes only inputs action.yml declares, and every required one',
    (name) => {
      for (const step of createSteps(workflows[name] as Workflow)) {
        const keys = Object.keys(step.with ?? {});
        expect(keys.filter((k) => !(k in action.inputs))).toEqual([]);
        const required = Object.entries(action.inputs)
          .filter(([, spec]) => spec.required)
          .map(([k]) => k);
        for (const k of required) expect(keys).toContain(k);
      }
    },
  );

  it('plan runs on pull_request with a read-only contents token and no secrets', async () => {
    const plan = workflows['plan.yml'] as Workflow;
    expect(Object.keys(plan.on as object)).toEqual(['pull_request']);
    expect(plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(await readFile(join(dir, 'plan.yml'), 'utf8')).not.toMatch(/secrets\./);
    expect(createSteps(plan).map((s) => s.with?.mode)).toEqual(['plan']);
  });

  it('apply runs on push to main on a self-hosted regional runner, never two at once', () => {
    const apply = workflows['apply.yml'] as Workflow;
    expect(apply.on).toEqual({ push: { branches: ['main'], paths: ['requests/**'] } });
    expect(apply.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(apply.concurrency).toEqual({ group: 'efs-dr-apply', 'cancel-in-progress': false });
    expect(workflows['reconcile.yml']?.concurrency).toEqual(apply.concurrency);
    const job = Object.values(apply.jobs)[0];
    expect(job?.['runs-on']).toEqual(['self-hosted', 'us-east-1']);
    const step = createSteps(apply)[0];
    expect(step?.with).toMatchObject({
      mode: 'apply',
      kubeconfig: expression('secrets.PRIMARY_KUBECONFIG'),
      'efs-host': expression('vars.PRIMARY_EFS_HOST'),
    });
  });
});
