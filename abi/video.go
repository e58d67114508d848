package abi

// Conferencing methods: an app of category conferencing creates the meeting
// a booking takes place in (Cal.com's VideoApiAdapter).

// VideoCreateMeetingInput is the input of video.createMeeting.
type VideoCreateMeetingInput struct {
	Event CalendarEvent `json:"event" jsonschema:"required"`
}

// VideoCreateMeetingResult is the result of video.createMeeting.
type VideoCreateMeetingResult = VideoCallData

// VideoUpdateMeetingInput is the input of video.updateMeeting.
type VideoUpdateMeetingInput struct {
	// BookingRef is the reference the host stored when the meeting was created.
	BookingRef PartialReference `json:"bookingRef" jsonschema:"required"`
	Event      CalendarEvent    `json:"event" jsonschema:"required"`
}

// VideoUpdateMeetingResult is the result of video.updateMeeting.
type VideoUpdateMeetingResult = VideoCallData

// VideoDeleteMeetingInput is the input of video.deleteMeeting.
type VideoDeleteMeetingInput struct {
	// UID is the meeting id the app returned.
	UID string `json:"uid" jsonschema:"required"`
}

// VideoDeleteMeetingResult is the result of video.deleteMeeting.
type VideoDeleteMeetingResult = Empty

// VideoGetAvailabilityInput is the input of video.getAvailability.
type VideoGetAvailabilityInput struct {
	DateFrom string `json:"dateFrom" jsonschema:"required,format=date-time"`
	DateTo   string `json:"dateTo" jsonschema:"required,format=date-time"`
}

// VideoGetAvailabilityResult is the result of video.getAvailability.
type VideoGetAvailabilityResult = []EventBusyDate
