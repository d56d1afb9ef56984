export * from "./london.js";
export * from "./bank-holidays.js";
export * from "./working-time.js";
