import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  paginateListFunctions,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { strToU8, unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";
import {
  ACCOUNT,
  arnOf,
  createActive,
  createInput,
  decode,
  failure,
  type Harness,
  handlers,
  REGION,
  ROLE,
  type ServiceError,
  startHarness,
} from "./helpers.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.dispose();
});

/** The error members a client sees, in one object for compact assertions. */
function seen(err: ServiceError) {
  return {
    name: err.name,
    fault: err.$fault,
    status: err.$metadata?.httpStatusCode,
    message: err.message,
  };
}

describe("CreateFunction", () => {
  it("answers 201 with the function Pending, then the waiter sees it Active", async () => {
    const created = await h.lambda.send(
      new CreateFunctionCommand(createInput("lifecycle", handlers.echo)),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({
      FunctionName: "lifecycle",
      FunctionArn: arnOf("lifecycle"),
      Runtime: "nodejs22.x",
      Role: ROLE,
      Handler: "index.handler",
      Timeout: 3,
      MemorySize: 128,
      Version: "$LATEST",
      PackageType: "Zip",
      State: "Pending",
      StateReason: "The function is being created.",
      StateReasonCode: "Creating",
      Architectures: ["x86_64"],
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: "PassThrough" },
      LoggingConfig: { LogFormat: "Text", LogGroup: "/aws/lambda/lifecycle" },
      Description: "",
    });
    expect(created.LastUpdateStatus).toBeUndefined();
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(created.CodeSize).toBeGreaterThan(0);

    const waited = await waitUntilFunctionActiveV2(
      { client: h.lambda, maxWaitTime: 30 },
      { FunctionName: "lifecycle" },
    );
    expect(waited.state).toBe("SUCCESS");
    const got = await h.lambda.send(new GetFunctionCommand({ FunctionName: "lifecycle" }));
    expect(got.Configuration).toMatchObject({ State: "Active", LastUpdateStatus: "Successful" });
    expect(got.Configuration?.StateReason).toBeUndefined();
    // As in LocalStack's AWS snapshots, activation is a new revision.
    expect(got.Configuration?.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.Configuration?.RevisionId).not.toBe(created.RevisionId);
  });

  it("takes the configuration it is given and journals the creation", async () => {
    const created = await createActive(h, "configured", handlers.echo, {
      Timeout: 30,
      MemorySize: 512,
      Description: "configured function",
      Environment: { Variables: { STAGE: "test" } },
      Tags: { team: "sre" },
    });
    expect(created).toMatchObject({
      Timeout: 30,
      MemorySize: 512,
      Description: "configured function",
      Environment: { Variables: { STAGE: "test" } },
    });
    const got = await h.lambda.send(new GetFunctionCommand({ FunctionName: "configured" }));
    expect(got.Tags).toEqual({ team: "sre" });
    const event = h.sim.journal
      .byType("lambda.function.created")
      .find((e) => e.data.functionName === "configured");
    expect(event).toMatchObject({
      source: "aws",
      data: { functionArn: arnOf("configured"), timeout: 30, memorySize: 512 },
    });
    expect(event?.correlation.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a second function of the same name with 409", async () => {
    await createActive(h, "twice", handlers.echo);
    const err = await failure(() =>
      h.lambda.send(new CreateFunctionCommand(createInput("twice", handlers.echo))),
    );
    expect(seen(err)).toEqual({
      name: "ResourceConflictException",
      fault: "client",
      status: 409,
      message: "Function already exist: twice",
    });
    expect(err.Type).toBe("User");
  });

  it("refuses what is not a zip", async () => {
    const err = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand({
          ...createInput("not-a-zip", handlers.echo),
          Code: { ZipFile: strToU8("this is not a zip archive") },
        }),
      ),
    );
    expect(seen(err)).toEqual({
      name: "InvalidParameterValueException",
      fault: "client",
      status: 400,
      message: "Could not unzip uploaded file. Please check your file, then try to upload again.",
    });
  });

  it.each([
    ["../escape.js", "a parent-directory entry"],
    ["/etc/cron.d/evil", "an absolute path"],
    ["lib/../../escape.js", "a nested escape"],
  ])("refuses a zip with %s (%s)", async (entry) => {
    const zip = zipSync({ "index.js": strToU8(handlers.echo), [entry]: strToU8("x") });
    const err = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand({
          ...createInput("zip-slip", handlers.echo),
          Code: { ZipFile: zip },
        }),
      ),
    );
    expect(err.name).toBe("InvalidParameterValueException");
    expect(err.message).toBe(
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
  });

  it("runs Node.js only, with AWS's words for other runtimes", async () => {
    const python = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(createInput("py", handlers.echo, { Runtime: "python3.12" })),
      ),
    );
    expect(seen(python)).toEqual({
      name: "InvalidParameterValueException",
      fault: "client",
      status: 400,
      message:
        "Value python3.12 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs20.x, nodejs22.x, nodejs24.x] or be a valid ARN",
    });
    const old = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(createInput("old", handlers.echo, { Runtime: "nodejs16.x" })),
      ),
    );
    expect(old.message).toBe(
      "The runtime parameter of nodejs16.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.",
    );
  });

  it("checks members against the model with AWS's validation template", async () => {
    const role = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(createInput("bad-role", handlers.echo, { Role: "lambda-role" })),
      ),
    );
    expect(seen(role)).toEqual({
      name: "ValidationException",
      fault: "client",
      status: 400,
      message:
        "1 validation error detected: Value 'lambda-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    });
    const two = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(
          createInput("bad-sizes", handlers.echo, { Timeout: 0, MemorySize: 64 }),
        ),
      ),
    );
    expect(two.message).toBe(
      "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    const long = "f".repeat(65);
    const name = await failure(() =>
      h.lambda.send(new CreateFunctionCommand(createInput(long, handlers.echo))),
    );
    expect(name.message).toBe(
      `1 validation error detected: Value '${long}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  it("limits environment variables to 4 KB and keeps Lambda's own names", async () => {
    const big = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(
          createInput("big-env", handlers.echo, {
            Environment: { Variables: { BIG: "x".repeat(4100) } },
          }),
        ),
      ),
    );
    expect(big.name).toBe("InvalidParameterValueException");
    expect(big.message).toBe(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"BIG":"${"x".repeat(4100)}"}`,
    );
    const reserved = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand(
          createInput("reserved-env", handlers.echo, {
            Environment: { Variables: { AWS_REGION: "eu-west-1" } },
          }),
        ),
      ),
    );
    expect(reserved.message).toBe(
      "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION",
    );
  });

  it("has no S3 to fetch code from", async () => {
    const err = await failure(() =>
      h.lambda.send(
        new CreateFunctionCommand({
          ...createInput("from-s3", handlers.echo),
          Code: { S3Bucket: "my-bucket", S3Key: "code.zip" },
        }),
      ),
    );
    expect(err.message).toBe(
      "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist",
    );
  });
});

describe("GetFunction, GetFunctionConfiguration, ListFunctions", () => {
  beforeAll(async () => {
    for (const name of ["list-a", "list-b", "list-c"]) await createActive(h, name, handlers.echo);
  });

  it("returns the configuration and a Code.Location that serves the zip back", async () => {
    const zip = createInput("list-a", handlers.echo).Code?.ZipFile as Uint8Array;
    const got = await h.lambda.send(new GetFunctionCommand({ FunctionName: "list-a" }));
    expect(got.Code?.RepositoryType).toBe("S3");
    const download = await fetch(got.Code?.Location as string);
    expect(download.status).toBe(200);
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(Buffer.from(files["index.js"] as Uint8Array).toString()).toBe(handlers.echo);
    expect(zip.length).toBeGreaterThan(0);

    const config = await h.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: "list-a" }),
    );
    expect(config).toMatchObject({ FunctionName: "list-a", State: "Active" });
  });

  it("finds a function by name, partial ARN, full ARN and $LATEST", async () => {
    for (const FunctionName of [
      "list-b",
      `${ACCOUNT}:function:list-b`,
      arnOf("list-b"),
      `${arnOf("list-b")}:$LATEST`,
    ]) {
      const got = await h.lambda.send(new GetFunctionCommand({ FunctionName }));
      expect(got.Configuration?.FunctionArn).toBe(arnOf("list-b"));
    }
  });

  it("answers 404 with the function's ARN for an unknown name or qualifier", async () => {
    const err = await failure(() =>
      h.lambda.send(new GetFunctionCommand({ FunctionName: "nope" })),
    );
    expect(seen(err)).toEqual({
      name: "ResourceNotFoundException",
      fault: "client",
      status: 404,
      message: `Function not found: ${arnOf("nope")}`,
    });
    expect(err.Type).toBe("User");
    const version = await failure(() =>
      h.lambda.send(new GetFunctionCommand({ FunctionName: "list-b", Qualifier: "7" })),
    );
    expect(version.message).toBe(`Function not found: ${arnOf("list-b")}:7`);
  });

  it("pages with MaxItems and Marker, in name order, without state members", async () => {
    const first = await h.lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    expect(first.Functions).toHaveLength(2);
    expect(first.NextMarker).toBeDefined();
    expect(first.Functions?.[0]?.State).toBeUndefined();
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: h.lambda, pageSize: 2 }, {})) {
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName as string));
    }
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["list-a", "list-b", "list-c"]));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("UpdateFunctionCode and UpdateFunctionConfiguration", () => {
  it("reports InProgress, then Successful, and later invocations run the new code", async () => {
    await createActive(h, "updated", `exports.handler = async () => "v1";`);
    const v1 = await h.lambda.send(new InvokeCommand({ FunctionName: "updated" }));
    expect(decode(v1.Payload)).toBe('"v1"');

    const zip = zipSync({ "index.js": strToU8(`exports.handler = async () => "v2";`) });
    const updated = await h.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: "updated", ZipFile: zip }),
    );
    expect(updated).toMatchObject({
      LastUpdateStatus: "InProgress",
      LastUpdateStatusReason: "The function is being created.",
      LastUpdateStatusReasonCode: "Creating",
      State: "Active",
    });
    await waitUntilFunctionUpdatedV2(
      { client: h.lambda, maxWaitTime: 30 },
      { FunctionName: "updated" },
    );
    const v2 = await h.lambda.send(new InvokeCommand({ FunctionName: "updated" }));
    expect(decode(v2.Payload)).toBe('"v2"');
    const journaled = h.sim.journal
      .byType("lambda.function.updated")
      .find((e) => e.data.functionName === "updated");
    expect(journaled?.data.changed).toEqual(["Code"]);
  });

  it("changes environment, timeout, memory and handler, retiring warm instances", async () => {
    await createActive(h, "reconfigured", {
      "index.js": `exports.handler = async () => process.env.COLOR ?? "none";`,
      "other.js": `exports.run = async () => "other:" + process.env.COLOR;`,
    });
    const before = await h.lambda.send(new InvokeCommand({ FunctionName: "reconfigured" }));
    expect(decode(before.Payload)).toBe('"none"');

    const updated = await h.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "reconfigured",
        Environment: { Variables: { COLOR: "green" } },
        Timeout: 10,
        MemorySize: 256,
        Handler: "other.run",
      }),
    );
    expect(updated).toMatchObject({
      Timeout: 10,
      MemorySize: 256,
      Handler: "other.run",
      Environment: { Variables: { COLOR: "green" } },
      LastUpdateStatus: "InProgress",
    });
    await waitUntilFunctionUpdatedV2(
      { client: h.lambda, maxWaitTime: 30 },
      { FunctionName: "reconfigured" },
    );
    const after = await h.lambda.send(new InvokeCommand({ FunctionName: "reconfigured" }));
    expect(decode(after.Payload)).toBe('"other:green"');
  });

  it("refuses a stale RevisionId with 412", async () => {
    await createActive(h, "revisions", handlers.echo);
    const err = await failure(() =>
      h.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: "revisions",
          Timeout: 5,
          RevisionId: "00000000-0000-4000-8000-000000000000",
        }),
      ),
    );
    expect(seen(err)).toEqual({
      name: "PreconditionFailedException",
      fault: "client",
      status: 412,
      message:
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    });
  });
});

describe("DeleteFunction", () => {
  it("answers 204, journals it, and the function is gone", async () => {
    await createActive(h, "doomed", handlers.echo);
    const deleted = await h.lambda.send(
      new DeleteFunctionCommand({ FunctionName: arnOf("doomed") }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(
      h.sim.journal.byType("lambda.function.deleted").map((e) => e.data.functionName),
    ).toContain("doomed");
    const err = await failure(() =>
      h.lambda.send(new DeleteFunctionCommand({ FunctionName: "doomed" })),
    );
    expect(err.message).toBe(`Function not found: ${arnOf("doomed")}`);
  });

  it("will not delete $LATEST alone", async () => {
    await createActive(h, "latest-only", handlers.echo);
    const err = await failure(() =>
      h.lambda.send(
        new DeleteFunctionCommand({ FunctionName: "latest-only", Qualifier: "$LATEST" }),
      ),
    );
    expect(seen(err)).toEqual({
      name: "InvalidParameterValueException",
      fault: "client",
      status: 400,
      message: "$LATEST version cannot be deleted without deleting the function.",
    });
  });
});

describe("a function that is not Active yet", () => {
  let pending: Harness;

  beforeAll(async () => {
    // Timers stay put until the test drives the clock, so the Pending window stays open.
    pending = await startHarness({ clock: createVirtualClock({ runDueTimers: false }) });
  });

  afterAll(async () => {
    await pending?.dispose();
  });

  it("is Pending until the clock runs, and refuses invocations and updates with 409", async () => {
    await pending.lambda.send(new CreateFunctionCommand(createInput("slow-start", handlers.echo)));
    const got = await pending.lambda.send(new GetFunctionCommand({ FunctionName: "slow-start" }));
    expect(got.Configuration?.State).toBe("Pending");

    const invoke = await failure(() =>
      pending.lambda.send(new InvokeCommand({ FunctionName: "slow-start" })),
    );
    expect(seen(invoke)).toEqual({
      name: "ResourceConflictException",
      fault: "client",
      status: 409,
      message:
        "The operation cannot be performed at this time. The function is currently in the following state: Pending",
    });
    const update = await failure(() =>
      pending.lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: "slow-start", Timeout: 5 }),
      ),
    );
    expect(update.name).toBe("ResourceConflictException");

    await pending.sim.clock.runFor(0);
    const active = await pending.lambda.send(
      new GetFunctionCommand({ FunctionName: "slow-start" }),
    );
    expect(active.Configuration?.State).toBe("Active");

    await pending.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "slow-start", Timeout: 5 }),
    );
    const again = await failure(() =>
      pending.lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: "slow-start", Timeout: 6 }),
      ),
    );
    expect(again.message).toBe(
      `The operation cannot be performed at this time. An update is in progress for resource: ${arnOf("slow-start")}`,
    );
    await pending.sim.clock.runFor(0);
    const done = await pending.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: "slow-start" }),
    );
    expect(done).toMatchObject({ Timeout: 5, LastUpdateStatus: "Successful" });
  });

  it("shows its functions in the admin state, and forgets them on reset", async () => {
    const aws = pending.sim.endpoints.aws.url;
    const state = (await (await fetch(`${aws}/_watermelon/state`)).json()) as {
      state: { lambda: { functions: unknown[] } };
    };
    expect(state.state.lambda.functions).toEqual([
      expect.objectContaining({ functionName: "slow-start", state: "Active" }),
    ]);
    expect((await fetch(`${aws}/_watermelon/reset`, { method: "POST" })).status).toBe(200);
    const err = await failure(() =>
      pending.lambda.send(new GetFunctionCommand({ FunctionName: "slow-start" })),
    );
    expect(err.name).toBe("ResourceNotFoundException");
  });
});

describe("the request edge", () => {
  it("answers an operation it does not know with 404", async () => {
    const res = await fetch(`${h.endpoint}/2015-03-31/functions/x/aliases`, {
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=test/20260105/${REGION}/lambda/aws4_request`,
      },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });
});
