export * from "./api.js";
export * from "./dnspodRecord.js";
export * from "./scfLimits.js";
export * from "./scfWebFunction.js";
export * from "./stageZip.js";
