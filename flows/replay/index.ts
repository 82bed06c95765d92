/** Record and replay: recordings, replay with a diff, importers from real exports. */
export * from "./diff.js";
export * from "./format.js";
export * from "./importers.js";
export * from "./inputs.js";
export * from "./override.js";
export * from "./record.js";
export * from "./redact.js";
export * from "./replay.js";
