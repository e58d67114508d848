// The exports a slotbox/1 module must have. An app's entry file re-exports them:
//   export * from "@slotbox/guest-sdk/assembly/exports";
export { slotbox_abi_v1, slotbox_alloc, slotbox_free, slotbox_call } from "./abi";
