// as-echo: a conferencing app. video.createMeeting answers a VideoCallData
// whose room URL is derived from the booking's uid; app.checkKeys accepts
// any keys. It needs no permissions: it only logs.
import { register, ok, error, Result, Value, CheckKeysResult, VideoCallData, VideoCreateMeetingInput, log, LogLevel, INVALID_INPUT } from "../../assembly/index";
export * from "../../assembly/exports";

const ROOM_BASE = "https://meet.example.com/echo/";

register("video.createMeeting", (input: Value): Result => {
  const uid = VideoCreateMeetingInput.read(input).event.uid;
  if (uid === null || uid.length == 0) return error(INVALID_INPUT, "event.uid is required");
  log(LogLevel.Info, "echo: meeting created");
  return ok(new VideoCallData("as-echo_video", uid, "", ROOM_BASE + encodeURIComponent(uid)));
});

register("app.checkKeys", (input: Value): Result => ok(new CheckKeysResult(true)));
