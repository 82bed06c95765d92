import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  type AddPermissionCommandInput,
  GetPolicyCommand,
  RemovePermissionCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowsInvoke, arnLike } from "../../../../simulator/aws/lambda/policy.js";
import type { PolicyStatement } from "../../../../simulator/aws/lambda/store.js";
import {
  ACCOUNT,
  arnOf,
  CREDENTIALS,
  createActive,
  failure,
  type Harness,
  handlers,
  REGION,
  startHarness,
} from "./helpers.js";

let h: Harness;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  h = await startHarness();
  logs = new CloudWatchLogsClient({
    endpoint: h.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
  await createActive(h, "guarded", handlers.echo);
});

afterAll(async () => {
  logs?.destroy();
  await h?.dispose();
});

const groupArn = (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*`;

function permit(FunctionName: string, extra: Partial<AddPermissionCommandInput> = {}) {
  return h.lambda.send(
    new AddPermissionCommand({
      FunctionName,
      StatementId: "logs",
      Action: "lambda:InvokeFunction",
      Principal: "logs.amazonaws.com",
      ...extra,
    }),
  );
}

describe("AddPermission, GetPolicy, RemovePermission", () => {
  it("adds a statement (201) shaped as AWS writes it, and lists it in the policy", async () => {
    const added = await permit("guarded", {
      SourceArn: groupArn("app"),
      SourceAccount: ACCOUNT,
    });
    expect(added.$metadata.httpStatusCode).toBe(201);
    expect(JSON.parse(added.Statement as string)).toEqual({
      Sid: "logs",
      Effect: "Allow",
      Principal: { Service: "logs.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: arnOf("guarded"),
      Condition: {
        StringEquals: { "AWS:SourceAccount": ACCOUNT },
        ArnLike: { "AWS:SourceArn": groupArn("app") },
      },
    });
    // The statement text is compact JSON with this member order, as AWS returns it.
    expect(added.Statement).toMatch(/^\{"Sid":"logs","Effect":"Allow","Principal":/);

    const policy = await h.lambda.send(new GetPolicyCommand({ FunctionName: "guarded" }));
    expect(JSON.parse(policy.Policy as string)).toEqual({
      Version: "2012-10-17",
      Id: "default",
      Statement: [JSON.parse(added.Statement as string)],
    });
    expect(policy.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a statement id already in the policy with 409", async () => {
    const err = await failure(() => permit("guarded"));
    expect(err.name).toBe("ResourceConflictException");
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(err.message).toBe(
      "The statement id (logs) provided already exists. Please provide a new statement id, or remove the existing statement.",
    );
  });

  it("records an account principal as its root ARN and refuses one it cannot read", async () => {
    await createActive(h, "principals", handlers.echo);
    const added = await permit("principals", { StatementId: "account", Principal: "123456789012" });
    expect(JSON.parse(added.Statement as string).Principal).toEqual({
      AWS: "arn:aws:iam::123456789012:root",
    });
    const err = await failure(() =>
      permit("principals", { StatementId: "bad", Principal: "someone" }),
    );
    expect(err.name).toBe("InvalidParameterValueException");
    expect(err.message).toBe(
      "The provided principal was invalid. Please check the principal and try again.",
    );
  });

  it("does not take policies for $LATEST, nor malformed statement ids", async () => {
    const latest = await failure(() =>
      permit("guarded", { StatementId: "q", Qualifier: "$LATEST" }),
    );
    expect(latest.name).toBe("InvalidParameterValueException");
    expect(latest.message).toBe("We currently do not support adding policies for $LATEST.");
    const sid = await failure(() => permit("guarded", { StatementId: "no spaces" }));
    expect(sid.name).toBe("ValidationException");
    expect(sid.message).toBe(
      "1 validation error detected: Value 'no spaces' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    );
  });

  it("removes a statement (204); an empty policy is no policy", async () => {
    await createActive(h, "revoked", handlers.echo);
    await permit("revoked");
    const unknown = await failure(() =>
      h.lambda.send(new RemovePermissionCommand({ FunctionName: "revoked", StatementId: "nope" })),
    );
    expect(unknown.name).toBe("ResourceNotFoundException");
    expect(unknown.$metadata.httpStatusCode).toBe(404);
    expect(unknown.message).toBe("Statement nope is not found in resource policy.");

    const removed = await h.lambda.send(
      new RemovePermissionCommand({ FunctionName: "revoked", StatementId: "logs" }),
    );
    expect(removed.$metadata.httpStatusCode).toBe(204);
    const none = await failure(() =>
      h.lambda.send(new GetPolicyCommand({ FunctionName: "revoked" })),
    );
    expect(none.name).toBe("ResourceNotFoundException");
    expect(none.message).toBe("No policy is associated with the given resource.");
  });

  it("answers 404 for the policy of an unknown function", async () => {
    const err = await failure(() => h.lambda.send(new GetPolicyCommand({ FunctionName: "ghost" })));
    expect(err.message).toBe(`Function not found: ${arnOf("ghost")}`);
  });
});

describe("what CloudWatch Logs may invoke (PutSubscriptionFilter checks the policy)", () => {
  const subscribe = async (group: string, fn: string) => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(() => {});
    return logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: "to-lambda",
        filterPattern: "",
        destinationArn: arnOf(fn),
      }),
    );
  };
  const refusal =
    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.";

  it("refuses a function without a statement for logs", async () => {
    await createActive(h, "unpermitted", handlers.echo);
    const err = await failure(() => subscribe("group-none", "unpermitted"));
    expect(err.name).toBe("InvalidParameterException");
    expect(err.message).toBe(refusal);
  });

  it.each([
    ["the global principal", "global", { Principal: "logs.amazonaws.com" }],
    ["the regional principal", "regional", { Principal: `logs.${REGION}.amazonaws.com` }],
    ["the exact source ARN", "exact-arn", { SourceArn: groupArn("group-match") }],
    [
      "a wildcard source ARN",
      "wildcard-arn",
      { SourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:group-*` },
    ],
    ["the source account", "account", { SourceAccount: ACCOUNT }],
    ["any lambda action", "any-action", { Action: "lambda:*" }],
  ])("accepts %s", async (_, suffix, extra) => {
    const fn = `permitted-${suffix}`;
    await createActive(h, fn, handlers.echo);
    await permit(fn, extra);
    await expect(subscribe("group-match", fn)).resolves.toBeDefined();
  });

  it.each([
    ["another service", "service", { Principal: "s3.amazonaws.com" }],
    ["another log group", "group", { SourceArn: groupArn("other-group") }],
    ["another account", "account", { SourceAccount: "111122223333" }],
    ["another action", "action", { Action: "lambda:GetFunction" }],
  ])("refuses a statement for %s", async (_, suffix, extra) => {
    const fn = `refused-${suffix}`;
    await createActive(h, fn, handlers.echo);
    await permit(fn, extra);
    const err = await failure(() => subscribe("group-refused", fn));
    expect(err.message).toBe(refusal);
  });
});

describe("the policy evaluator", () => {
  const statement = (extra: Partial<PolicyStatement>): PolicyStatement => ({
    Sid: "s",
    Effect: "Allow",
    Principal: { Service: "logs.amazonaws.com" },
    Action: "lambda:InvokeFunction",
    Resource: arnOf("f"),
    ...extra,
  });
  const request = {
    principal: "logs.us-east-1.amazonaws.com",
    sourceArn: groupArn("app"),
    sourceAccount: ACCOUNT,
  };

  it("matches ArnLike with * and ? and nothing else", () => {
    expect(arnLike("arn:aws:logs:*:*:log-group:app:*", groupArn("app"))).toBe(true);
    expect(arnLike("arn:aws:logs:us-east-1:000000000000:log-group:a?p:*", groupArn("app"))).toBe(
      true,
    );
    expect(arnLike("arn:aws:logs:us-east-1:000000000000:log-group:a?p:*", groupArn("apps"))).toBe(
      false,
    );
    expect(arnLike("arn:aws:logs:us-east-1:000000000000:log-group:a.p:*", groupArn("app"))).toBe(
      false,
    );
    expect(arnLike(groupArn("app"), groupArn("app"))).toBe(true);
  });

  it("treats either form of the logs principal as the same service", () => {
    expect(allowsInvoke([statement({})], request)).toBe(true);
    expect(
      allowsInvoke([statement({ Principal: { Service: "logs.us-east-1.amazonaws.com" } })], {
        ...request,
        principal: "logs.amazonaws.com",
      }),
    ).toBe(true);
    expect(allowsInvoke([statement({ Principal: "*" })], request)).toBe(true);
    expect(allowsInvoke([statement({ Principal: { AWS: "arn:aws:iam::1:root" } })], request)).toBe(
      false,
    );
  });

  it("requires every condition, and fails on keys the request does not carry", () => {
    const both = statement({
      Condition: {
        StringEquals: { "AWS:SourceAccount": ACCOUNT },
        ArnLike: { "AWS:SourceArn": groupArn("app") },
      },
    });
    expect(allowsInvoke([both], request)).toBe(true);
    expect(allowsInvoke([both], { ...request, sourceAccount: "111122223333" })).toBe(false);
    const org = statement({
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1234567890" } },
    });
    expect(allowsInvoke([org], request)).toBe(false);
    expect(allowsInvoke([], request)).toBe(false);
  });
});
