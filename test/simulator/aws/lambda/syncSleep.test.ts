import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../../../simulator/cli/api.js";

const SLEEPER = `exports.handler = async () => {
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 4000));
  return { sleptMs: Date.now() - started };
};
`;

let home: string;
let sim: Simulator;
let lambda: LambdaClient;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "watermelon-sleep-"));
  sim = createSimulator({ home });
  await sim.ready;
  lambda = new LambdaClient({
    endpoint: sim.endpoints.aws.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "sleeper",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Timeout: 10,
      Role: "arn:aws:iam::000000000000:role/r",
      Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SLEEPER) }) },
    }),
  );
  await sim.clock.runFor(0);
});

afterAll(async () => {
  lambda?.destroy();
  await sim?.dispose();
  rmSync(home, { recursive: true, force: true });
});

it("a synchronous invoke of a function sleeping on a virtual timer returns once the clock moves", async () => {
  const start = sim.clock.now();
  const pending = lambda.send(new InvokeCommand({ FunctionName: "sleeper" }));
  await sim.clock.runFor(5_000);
  const out = await pending;
  expect(out.FunctionError).toBeUndefined();
  expect(JSON.parse(new TextDecoder().decode(out.Payload))).toEqual({ sleptMs: 4000 });
  expect(sim.clock.now()).toBe(start + 5_000);
});
