import type { PolicyPrincipal, PolicyStatement } from "./store.js";

/**
 * Function resource-based policies: the statement AddPermission writes (the shape AWS returns,
 * conditions under StringEquals then ArnLike) and the evaluation CloudWatch Logs relies on.
 */

export interface PermissionRequest {
  statementId: string;
  action: string;
  principal: string;
  resource: string;
  sourceArn?: string;
  sourceAccount?: string;
  eventSourceToken?: string;
  principalOrgId?: string;
  functionUrlAuthType?: string;
}

/** How AWS records a principal: accounts as root ARNs, service names under "Service". */
export function policyPrincipal(principal: string): PolicyPrincipal | undefined {
  if (principal === "*") return "*";
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (/^arn:aws[a-zA-Z-]*:iam::\d{12}:/.test(principal)) return { AWS: principal };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(principal)) {
    return { Service: principal };
  }
  return undefined;
}

export function buildStatement(
  request: PermissionRequest,
  principal: PolicyPrincipal,
): PolicyStatement {
  const stringEquals: Record<string, string> = {};
  if (request.sourceAccount !== undefined)
    stringEquals["AWS:SourceAccount"] = request.sourceAccount;
  if (request.principalOrgId !== undefined)
    stringEquals["aws:PrincipalOrgID"] = request.principalOrgId;
  if (request.eventSourceToken !== undefined)
    stringEquals["lambda:EventSourceToken"] = request.eventSourceToken;
  if (request.functionUrlAuthType !== undefined)
    stringEquals["lambda:FunctionUrlAuthType"] = request.functionUrlAuthType;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(stringEquals).length > 0) condition.StringEquals = stringEquals;
  if (request.sourceArn !== undefined) condition.ArnLike = { "AWS:SourceArn": request.sourceArn };
  return {
    Sid: request.statementId,
    Effect: "Allow",
    Principal: principal,
    Action: request.action,
    Resource: request.resource,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

/** The document GetPolicy returns (as a JSON string). */
export function policyDocument(statements: PolicyStatement[]) {
  return { Version: "2012-10-17", Id: "default", Statement: statements };
}

/** IAM's ArnLike: `*` any run of characters, `?` one character, everything else literal. */
export function arnLike(pattern: string, value: string): boolean {
  let source = "^";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${source}$`, "s").test(value);
}

/** `logs.us-east-1.amazonaws.com` and `logs.amazonaws.com` name the same service principal. */
function serviceName(principal: string): string {
  const match = /^([a-z0-9-]+)\.(?:[a-z]{2}(?:-gov)?-[a-z]+-\d\.)?amazonaws\.com(\.cn)?$/.exec(
    principal,
  );
  return match?.[1] ?? principal;
}

function principalMatches(statement: PolicyPrincipal, principal: string): boolean {
  if (statement === "*") return true;
  if ("Service" in statement) return serviceName(statement.Service) === serviceName(principal);
  return false;
}

function actionMatches(statementAction: string, action: string): boolean {
  const a = statementAction.toLowerCase();
  return a === "*" || a === "lambda:*" || a === action.toLowerCase();
}

export interface InvokeContext {
  principal: string;
  sourceArn: string;
  sourceAccount: string;
}

/** Condition keys are case-insensitive in IAM; only the ones a service invocation carries exist. */
function contextValue(context: InvokeContext, key: string): string | undefined {
  switch (key.toLowerCase()) {
    case "aws:sourcearn":
      return context.sourceArn;
    case "aws:sourceaccount":
      return context.sourceAccount;
    default:
      return undefined;
  }
}

function conditionsHold(
  condition: Record<string, Record<string, string>> | undefined,
  context: InvokeContext,
): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = contextValue(context, key);
      if (actual === undefined) return false;
      switch (operator) {
        case "StringEquals":
        case "ArnEquals":
          if (actual !== expected) return false;
          break;
        case "ArnLike":
        case "StringLike":
          if (!arnLike(expected, actual)) return false;
          break;
        default:
          return false;
      }
    }
  }
  return true;
}

/** Whether some statement lets `context.principal` call lambda:InvokeFunction. */
export function allowsInvoke(statements: PolicyStatement[], context: InvokeContext): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      actionMatches(s.Action, "lambda:InvokeFunction") &&
      principalMatches(s.Principal, context.principal) &&
      conditionsHold(s.Condition, context),
  );
}
