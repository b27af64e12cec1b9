export {
  emulatorPullRequestEvent,
  emulatorPushEvent,
  type PullRequestEventOptions,
  type PushCommit,
  type PushEventOptions,
  pullRequestEvent,
  pushEvent,
  type RepositoryRef,
} from './events.ts';
export { type ActionRun, inputEnvName, type RunActionOptions, runAction } from './run-action.ts';
export {
  type Annotation,
  type AnnotationLevel,
  parseFileCommand,
  parseWorkflowCommands,
  unescapeData,
  unescapeProperty,
  type WorkflowCommands,
} from './workflow-commands.ts';
