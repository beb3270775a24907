/**
 * Resource policy checks: the document's IAM grammar (what AWS answers "This policy has invalid
 * syntax." for) and broad access (an Allow to every principal with no Condition), which
 * BlockPublicPolicy refuses.
 */
import { AwsError } from '../../core/errors.js';
import type { ValidationErrorsEntry } from '../../generated/secretsmanager.types.js';

const VERSIONS = new Set(['2008-10-17', '2012-10-17']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const isStringOrStrings = (v: unknown) => asList(v).length > 0 && asList(v).every((x) => typeof x === 'string');

function statementProblem(st: unknown, i: number): string | undefined {
  if (!isObject(st)) return `Statement ${i + 1} is not an object.`;
  if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return `Statement ${i + 1} needs an Effect of Allow or Deny.`;
  const action = st.Action ?? st.NotAction;
  if (action === undefined || !isStringOrStrings(action)) return `Statement ${i + 1} needs an Action or NotAction.`;
  const principal = st.Principal ?? st.NotPrincipal;
  if (principal === undefined) return `Statement ${i + 1} needs a Principal or NotPrincipal.`;
  if (principal !== '*' && !(isObject(principal) && Object.values(principal).every(isStringOrStrings)))
    return `Statement ${i + 1} has an invalid Principal.`;
  if (st.Condition !== undefined && !isObject(st.Condition)) return `Statement ${i + 1} has an invalid Condition.`;
  return undefined;
}

/** Why the document is not a valid resource policy, or undefined when it is. */
export function syntaxProblem(doc: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    return 'The policy is not valid JSON.';
  }
  if (!isObject(parsed)) return 'The policy must be a JSON object.';
  if (parsed.Version !== undefined && !VERSIONS.has(parsed.Version as string)) return `Unsupported policy Version: ${String(parsed.Version)}.`;
  if (parsed.Statement === undefined) return 'The policy has no Statement.';
  const statements = asList(parsed.Statement);
  if (statements.length === 0) return 'The policy has no Statement.';
  for (let i = 0; i < statements.length; i++) {
    const p = statementProblem(statements[i], i);
    if (p) return p;
  }
  return undefined;
}

function everyone(principal: unknown): boolean {
  if (principal === '*') return true;
  return isObject(principal) && asList(principal.AWS).includes('*');
}

/** True when an Allow statement grants access to every principal without a Condition. */
export function grantsBroadAccess(doc: string): boolean {
  const parsed = JSON.parse(doc) as Json;
  return asList(parsed.Statement).some((st) => isObject(st) && st.Effect === 'Allow' && everyone(st.Principal) && st.Condition === undefined);
}

export function assertValidPolicy(doc: string, blockPublic: boolean): void {
  if (syntaxProblem(doc)) throw new AwsError('MalformedPolicyDocumentException', 'This policy has invalid syntax.');
  if (blockPublic && grantsBroadAccess(doc))
    throw new AwsError(
      'PublicPolicyException',
      'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.',
    );
}

export function validationErrors(doc: string): ValidationErrorsEntry[] {
  const syntax = syntaxProblem(doc);
  if (syntax) return [{ CheckName: 'POLICY_SYNTAX', ErrorMessage: `This policy has invalid syntax. ${syntax}` }];
  if (grantsBroadAccess(doc))
    return [{ CheckName: 'BROAD_ACCESS', ErrorMessage: 'The resource policy grants access to every principal without a Condition.' }];
  return [];
}
