export * from "./distributions.js";
export * from "./responder.js";
