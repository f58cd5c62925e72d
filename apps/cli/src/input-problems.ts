// The input verdict moved to the engine so the API's analyze applies the same rules; re-exported
// here so the CLI's imports stay put.
export { classifyProblems, formatProblem, parseSkippedKind } from '@kordon/policy-engine';
export type { ClassifiedProblems, ReportedProblem } from '@kordon/policy-engine';
