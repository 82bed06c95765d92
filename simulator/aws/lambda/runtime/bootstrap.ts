import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

let transpiled: Promise<string> | undefined;

/**
 * The file a worker thread starts from. Built, it is the compiled `worker.js` next to this
 * module; run from TypeScript sources (tests), `worker.ts` is transpiled once and written under
 * `dir`, since a worker thread cannot load TypeScript.
 */
export async function bootstrapFile(dir: string): Promise<string> {
  const compiled = fileURLToPath(new URL("./worker.js", import.meta.url));
  if (existsSync(compiled)) return compiled;
  const source = fileURLToPath(new URL("./worker.ts", import.meta.url));
  transpiled ??= transpile(source);
  const file = path.join(dir, "runtime", "index.mjs");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await transpiled);
  return file;
}

async function transpile(source: string): Promise<string> {
  const ts = (await import("typescript")).default;
  const output = ts.transpileModule(await readFile(source, "utf8"), {
    fileName: source,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
    },
  });
  return output.outputText;
}
