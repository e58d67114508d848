package abi

// Enumerations that cross the boundary. Each has EnumValues, which the schema
// generator turns into the JSON Schema "enum" keyword.

// PaymentOption is when a payment is taken (Cal.com's PaymentOption).
type PaymentOption string

// Payment options.
const (
	PaymentOnBooking    PaymentOption = "ON_BOOKING"
	PaymentAfterBooking PaymentOption = "AFTER_BOOKING"
	PaymentHold         PaymentOption = "HOLD"
)

// EnumValues lists the values the JSON Schema allows.
func (PaymentOption) EnumValues() []any {
	return []any{PaymentOnBooking, PaymentAfterBooking, PaymentHold}
}

// PaymentStatus is what a payment webhook reports about a payment.
type PaymentStatus string

// Payment statuses.
const (
	PaymentPending   PaymentStatus = "pending"
	PaymentSucceeded PaymentStatus = "succeeded"
	PaymentFailed    PaymentStatus = "failed"
	PaymentRefunded  PaymentStatus = "refunded"
	PaymentCanceled  PaymentStatus = "canceled"
	// PaymentIgnored says the webhook was not about a payment the app tracks.
	PaymentIgnored PaymentStatus = "ignored"
)

// EnumValues lists the values the JSON Schema allows.
func (PaymentStatus) EnumValues() []any {
	return []any{PaymentPending, PaymentSucceeded, PaymentFailed, PaymentRefunded, PaymentCanceled, PaymentIgnored}
}

// SchedulingType is how a team event picks its hosts (Cal.com's SchedulingType).
type SchedulingType string

// Scheduling types.
const (
	SchedulingRoundRobin SchedulingType = "ROUND_ROBIN"
	SchedulingCollective SchedulingType = "COLLECTIVE"
	SchedulingManaged    SchedulingType = "MANAGED"
)

// EnumValues lists the values the JSON Schema allows.
func (SchedulingType) EnumValues() []any {
	return []any{SchedulingRoundRobin, SchedulingCollective, SchedulingManaged}
}

// TimeFormat is a person's clock preference as a dayjs format (Cal.com's TimeFormat).
type TimeFormat string

// Time formats.
const (
	TimeFormat12h TimeFormat = "h:mma"
	TimeFormat24h TimeFormat = "HH:mm"
)

// EnumValues lists the values the JSON Schema allows.
func (TimeFormat) EnumValues() []any { return []any{TimeFormat12h, TimeFormat24h} }

// Frequency is an RRULE frequency as the rrule library numbers it
// (YEARLY=0 ... SECONDLY=6); Cal.com's recurringEvent.freq.
type Frequency int

// Recurrence frequencies.
const (
	FrequencyYearly Frequency = iota
	FrequencyMonthly
	FrequencyWeekly
	FrequencyDaily
	FrequencyHourly
	FrequencyMinutely
	FrequencySecondly
)

// EnumValues lists the values the JSON Schema allows.
func (Frequency) EnumValues() []any {
	return []any{FrequencyYearly, FrequencyMonthly, FrequencyWeekly, FrequencyDaily,
		FrequencyHourly, FrequencyMinutely, FrequencySecondly}
}

// WebhookTriggerEvent is what happened, for automation.onTrigger (Cal.com's
// WebhookTriggerEvents).
type WebhookTriggerEvent string

// Webhook trigger events.
const (
	TriggerBookingCreated                  WebhookTriggerEvent = "BOOKING_CREATED"
	TriggerBookingPaymentInitiated         WebhookTriggerEvent = "BOOKING_PAYMENT_INITIATED"
	TriggerBookingPaid                     WebhookTriggerEvent = "BOOKING_PAID"
	TriggerBookingRescheduled              WebhookTriggerEvent = "BOOKING_RESCHEDULED"
	TriggerBookingRequested                WebhookTriggerEvent = "BOOKING_REQUESTED"
	TriggerBookingCancelled                WebhookTriggerEvent = "BOOKING_CANCELLED"
	TriggerBookingRejected                 WebhookTriggerEvent = "BOOKING_REJECTED"
	TriggerBookingNoShowUpdated            WebhookTriggerEvent = "BOOKING_NO_SHOW_UPDATED"
	TriggerFormSubmitted                   WebhookTriggerEvent = "FORM_SUBMITTED"
	TriggerFormSubmittedNoEvent            WebhookTriggerEvent = "FORM_SUBMITTED_NO_EVENT"
	TriggerMeetingStarted                  WebhookTriggerEvent = "MEETING_STARTED"
	TriggerMeetingEnded                    WebhookTriggerEvent = "MEETING_ENDED"
	TriggerRecordingReady                  WebhookTriggerEvent = "RECORDING_READY"
	TriggerRecordingTranscriptionGenerated WebhookTriggerEvent = "RECORDING_TRANSCRIPTION_GENERATED"
	TriggerInstantMeeting                  WebhookTriggerEvent = "INSTANT_MEETING"
	TriggerOOOCreated                      WebhookTriggerEvent = "OOO_CREATED"
	TriggerAfterHostsCalVideoNoShow        WebhookTriggerEvent = "AFTER_HOSTS_CAL_VIDEO_NO_SHOW"
	TriggerAfterGuestsCalVideoNoShow       WebhookTriggerEvent = "AFTER_GUESTS_CAL_VIDEO_NO_SHOW"
)

// EnumValues lists the values the JSON Schema allows.
func (WebhookTriggerEvent) EnumValues() []any {
	return []any{
		TriggerBookingCreated, TriggerBookingPaymentInitiated, TriggerBookingPaid,
		TriggerBookingRescheduled, TriggerBookingRequested, TriggerBookingCancelled,
		TriggerBookingRejected, TriggerBookingNoShowUpdated, TriggerFormSubmitted,
		TriggerFormSubmittedNoEvent, TriggerMeetingStarted, TriggerMeetingEnded,
		TriggerRecordingReady, TriggerRecordingTranscriptionGenerated, TriggerInstantMeeting,
		TriggerOOOCreated, TriggerAfterHostsCalVideoNoShow, TriggerAfterGuestsCalVideoNoShow,
	}
}
