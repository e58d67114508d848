// @slotbox/guest-sdk: the AssemblyScript guest SDK for Slotbox (ABI slotbox/1).
//
//   import { register, ok, error, Value, VideoCallData, CalendarEvent } from "@slotbox/guest-sdk";
//   export * from "@slotbox/guest-sdk/assembly/exports";
//
//   register("video.createMeeting", (input: Value): Result => {
//     const event = CalendarEvent.read(input.get("event"));
//     return ok(new VideoCallData("my_video", event.uid!, "", "https://..."));
//   });
export { MAX_DEPTH, Kind, Value, ParseResult, parse, parseBytes, validUTF8, decodeUTF8Lossy, Writer, base64Decode } from "./json";
export { Result, ok, okEmpty, error, write, NOT_IMPLEMENTED, INVALID_INPUT } from "./result";
export { Handler, register, methodName } from "./abi";
export {
  HostError,
  errorFrom,
  LogLevel,
  log,
  HttpRequest,
  HttpResponse,
  httpRequest,
  httpGet,
  VaultResult,
  vaultGet,
  KvGetResult,
  kvGet,
  kvSet,
  kvDelete,
} from "./host";
export * from "./types";
