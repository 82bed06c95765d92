#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` through the package's `prepare` script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/simulator/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "watermelon: dist/ is missing; run `npm install` (or `npm run build`) first\n",
  );
  process.exit(1);
}
// The AWS SDK warns on Node 20 about its releases after January 2027; the pinned one runs here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
