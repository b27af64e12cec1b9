export {
  type Access,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  type GitHubFault,
  type IssueCommentRecord,
  type PullRequestRecord,
  type RequestLogEntry,
  startGitHubEmulator,
  type TokenGrant,
  type TokenPermissions,
} from './emulator.ts';
export { ZERO_SHA } from './git.ts';
