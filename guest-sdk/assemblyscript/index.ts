// Package entry for `import ... from "@slotbox/guest-sdk"` (asc resolves a
// package to its index.ts).
export * from "./assembly/index";
