/** Regenerates scenario.schema.json beside this file: `npm run scenario-schema`. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchemaText } from "./jsonSchema.js";

const file = fileURLToPath(new URL("./scenario.schema.json", import.meta.url));
writeFileSync(file, scenarioJsonSchemaText());
process.stdout.write(`wrote ${file}\n`);
