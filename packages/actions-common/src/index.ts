export * from './actions-logger.ts';
export * from './errors.ts';
export * from './exec-runner.ts';
export * from './inputs.ts';
export * from './job-report.ts';
export * from './kubeconfig.ts';
export * from './runner-env.ts';
