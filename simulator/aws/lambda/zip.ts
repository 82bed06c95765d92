import { createHash } from "node:crypto";
import { type UnzipFileInfo, unzipSync } from "fflate";
import type { AwsError } from "../protocol.js";
import { couldNotUnzip, unzippedTooLarge, zippedTooLarge } from "./errors.js";
import { MAX_UNZIPPED_CODE_BYTES, MAX_ZIPPED_CODE_BYTES } from "./limits.js";
import type { FunctionCode } from "./runtime/types.js";

/** A deployment package: the zip as uploaded and its files, as the runtime loads them. */
export interface DeploymentPackage extends FunctionCode {
  zip: Uint8Array;
  /** CodeSize: bytes of the zip. */
  size: number;
}

/**
 * An entry name is a path inside the task root, or the package is refused: no absolute paths,
 * no drive letters, no `..` segments (zip slip), whichever separator the archiver used.
 */
function entryPath(name: string): string | undefined {
  const path = name.replaceAll("\\", "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return undefined;
  const segments = path.split("/");
  if (segments.some((s) => s === "..")) return undefined;
  return segments.filter((s) => s !== "" && s !== ".").join("/");
}

/** Unpacks a .zip deployment package as Lambda does at CreateFunction / UpdateFunctionCode. */
export function unpackDeploymentPackage(zip: Uint8Array): DeploymentPackage {
  if (zip.length > MAX_ZIPPED_CODE_BYTES) throw zippedTooLarge();
  let unzippedBytes = 0;
  let refusal: AwsError | undefined;
  const names = new Map<string, string>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      // Runs before any entry is inflated, so a zip bomb or a zip slip is refused unread.
      filter: (file: UnzipFileInfo) => {
        if (refusal || file.name.endsWith("/")) return false;
        const path = entryPath(file.name);
        if (path === undefined) {
          refusal = couldNotUnzip();
          return false;
        }
        unzippedBytes += file.originalSize;
        if (unzippedBytes > MAX_UNZIPPED_CODE_BYTES) {
          refusal = unzippedTooLarge();
          return false;
        }
        if (path === "") return false;
        names.set(file.name, path);
        return true;
      },
    });
  } catch {
    throw couldNotUnzip();
  }
  if (refusal) throw refusal;
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of Object.entries(entries)) {
    const path = names.get(name);
    if (path !== undefined) files.set(path, bytes);
  }
  return {
    zip,
    size: zip.length,
    files,
    sha256: createHash("sha256").update(zip).digest("base64"),
  };
}
