import { UserError } from '@efs-dr/core';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs.ts';

const WORKSPACE = '/home/runner/work/repo/repo';
const HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '  - name: primary',
  '    cluster:',
  '      server: https://api.primary.example:6443',
  '      certificate-authority-data: Q0EgREFUQSBDQSBEQVRB',
  'users:',
  '  - name: provisioner',
  '    user:',
  '      token: "sha256~not-a-real-token-0123456789"',
  '      client-key-data: S0VZIERBVEEgS0VZIERBVEE=',
  '      exec:',
  '        env:',
  '          - name: CLOUD_TOKEN',
  '            value: exec-env-value-secret',
  'contexts:',
  '  - name: primary',
  '    context: { cluster: primary, user: provisioner }',
  'current-context: primary',
].join('\n');

/** action.yml's defaults, overridden by `given` (what the runner passes). */
function reader(given: Record<string, string>) {
  const defaults: Record<string, string> = {
    'github-token': 'test-token',
    mount: 'false',
    'allow-unmounted': 'false',
    'working-directory': '.',
    'config-file': 'efs-dr.yaml',
    strict: 'false',
    'wait-timeout': '300',
    commit: 'true',
    comment: 'true',
  };
  const all = { ...defaults, ...given };
  return (name: string) => (all[name] ?? '').trim();
}

function read(given: Record<string, string>) {
  const masked: string[] = [];
  try {
    return { inputs: readInputs(reader(given), WORKSPACE, (s) => masked.push(s)), masked };
  } catch (error) {
    return { error, masked };
  }
}

const APPLY = { mode: 'apply', 'efs-host': HOST, 'efs-mount-path': '/mnt/efs', kubeconfig: KUBECONFIG };

describe('readInputs', () => {
  it('reads plan with the defaults', () => {
    const { inputs } = read({ mode: 'plan' });
    expect(inputs).toEqual({
      mode: 'plan',
      githubToken: 'test-token',
      efsHost: undefined,
      efsMountPath: undefined,
      mount: false,
      allowUnmounted: false,
      kubeconfig: undefined,
      kubeContext: undefined,
      workingDirectory: WORKSPACE,
      requestsDir: undefined,
      manifestsDir: undefined,
      configFile: { path: 'efs-dr.yaml', optional: true },
      strict: false,
      waitTimeoutSeconds: 300,
      commit: true,
      comment: true,
    });
  });

  it('reads apply with every input set', () => {
    const { inputs } = read({
      ...APPLY,
      'efs-mount-path': 'efs',
      mount: 'True',
      'allow-unmounted': 'TRUE',
      'kube-context': 'admin',
      'working-directory': 'infra',
      'requests-dir': './teams/requests/',
      'manifests-dir': 'k8s/manifests',
      'config-file': 'config/efs-dr.yml',
      strict: 'true',
      'wait-timeout': '60',
      commit: 'false',
      comment: 'false',
    });
    expect(inputs).toMatchObject({
      mode: 'apply',
      efsHost: HOST,
      efsMountPath: `${WORKSPACE}/efs`,
      mount: true,
      allowUnmounted: true,
      kubeconfig: KUBECONFIG,
      kubeContext: 'admin',
      workingDirectory: `${WORKSPACE}/infra`,
      requestsDir: 'teams/requests',
      manifestsDir: 'k8s/manifests',
      configFile: { path: 'config/efs-dr.yml', optional: false },
      strict: true,
      waitTimeoutSeconds: 60,
      commit: false,
      comment: false,
    });
  });

  it('masks the token and the kubeconfig before validating anything', () => {
    const { error, masked } = read({ mode: 'nonsense', kubeconfig: KUBECONFIG });
    expect(error).toBeInstanceOf(UserError);
    expect(masked).toContain('test-token');
    expect(masked).toContain(KUBECONFIG);
    expect(masked).toContain('sha256~not-a-real-token-0123456789');
  });

  it.each([
    ["Input 'mode' not supplied: set it to plan, apply or reconcile.", { mode: '' }],
    [`Input 'mode' must be plan, apply or reconcile, got "destroy".`, { mode: 'destroy' }],
    [`Input 'mount' must be true or false, got "yes".`, { mode: 'plan', mount: 'yes' }],
    [`Input 'wait-timeout' must be a whole number of seconds`, { mode: 'plan', 'wait-timeout': '5m' }],
    [`Input 'wait-timeout' must be a whole number of seconds`, { mode: 'plan', 'wait-timeout': '0' }],
    [
      `Input 'efs-host': "fs-1 ; rm -rf /" is not a DNS name`,
      { mode: 'plan', 'efs-host': 'fs-1 ; rm -rf /' },
    ],
    [
      `Input 'requests-dir' must be a directory relative to the repository`,
      { mode: 'plan', 'requests-dir': '../elsewhere' },
    ],
    [
      `Input 'manifests-dir' must be a directory relative to the repository`,
      { mode: 'plan', 'manifests-dir': '/abs' },
    ],
    [`Input 'github-token' not supplied: mode plan reads`, { mode: 'plan', 'github-token': '' }],
    [`Input 'efs-host' not supplied: mode apply writes the EFS DNS name`, { ...APPLY, 'efs-host': '' }],
    [
      `Input 'kubeconfig' not supplied: mode apply needs the primary cluster's kubeconfig`,
      { ...APPLY, kubeconfig: '' },
    ],
    [
      `Input 'efs-mount-path' not supplied: mode apply creates a directory per volume`,
      { ...APPLY, 'efs-mount-path': '' },
    ],
    [
      `Input 'efs-mount-path' not supplied: mode reconcile`,
      { ...APPLY, mode: 'reconcile', 'efs-mount-path': '' },
    ],
  ])('%s', (message, given) => {
    const { error } = read(given);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(message);
  });

  it('accepts apply without a mount path when it mounts the file system itself', () => {
    expect(read({ ...APPLY, 'efs-mount-path': '', mount: 'true' }).inputs?.efsMountPath).toBeUndefined();
  });

  it('needs no token for a reconcile that neither commits nor comments', () => {
    const { inputs } = read({
      ...APPLY,
      mode: 'reconcile',
      'github-token': '',
      commit: 'false',
      comment: 'false',
    });
    expect(inputs?.githubToken).toBe('');
  });

  it('lists every mistake at once', () => {
    const { error } = read({ mode: 'apply', mount: 'maybe', 'wait-timeout': '-1' });
    const message = (error as Error).message;
    expect(message).toMatch(/^5 input mistakes:\n- /);
    for (const name of ['efs-host', 'mount', 'kubeconfig', 'wait-timeout', 'efs-mount-path']) {
      expect(message).toContain(`Input '${name}'`);
    }
  });
});
