import { readFileSync } from "node:fs";

/**
 * The package's version, read from package.json by walking up from this module, so it is the
 * same from the TypeScript sources and from the compiled `dist/`.
 */
export function packageVersion(): string {
  let dir = new URL(".", import.meta.url);
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "watermelon" && pkg.version) return pkg.version;
    } catch {
      // not here: keep walking up
    }
    dir = new URL("..", dir);
  }
  return "0.0.0";
}
