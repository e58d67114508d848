package abi

import "encoding/json"

// CalendarEvent is a booking as apps see it, with Cal.com's field names.
// Times are UTC ISO-8601 strings. Fields Cal.com types as "T | null" accept
// null; the host omits empty ones.
type CalendarEvent struct {
	// Type is the event type's slug.
	Type      string   `json:"type" jsonschema:"required"`
	Title     string   `json:"title" jsonschema:"required"`
	StartTime string   `json:"startTime" jsonschema:"required,format=date-time"`
	EndTime   string   `json:"endTime" jsonschema:"required,format=date-time"`
	Organizer Person   `json:"organizer" jsonschema:"required"`
	Attendees []Person `json:"attendees" jsonschema:"required"`

	// BookerURL is the base URL of the booking pages.
	BookerURL  string `json:"bookerUrl,omitempty"`
	HashedLink string `json:"hashedLink,omitempty" jsonschema:"nullable"`
	// Length is the duration in minutes.
	Length          int    `json:"length,omitempty" jsonschema:"nullable"`
	AdditionalNotes string `json:"additionalNotes,omitempty" jsonschema:"nullable"`
	// CustomInputs are the answers to an event type's legacy custom inputs.
	CustomInputs json.RawMessage `json:"customInputs,omitempty" jsonschema:"type=object,nullable"`
	Description  string          `json:"description,omitempty" jsonschema:"nullable"`
	Team         *Team           `json:"team,omitempty"`
	// Location is an address, a link, or an app location such as "integrations:zoom".
	Location string `json:"location,omitempty" jsonschema:"nullable"`

	ConferenceCredentialID int64                  `json:"conferenceCredentialId,omitempty"`
	ConferenceData         *ConferenceData        `json:"conferenceData,omitempty"`
	AdditionalInformation  *AdditionalInformation `json:"additionalInformation,omitempty"`
	VideoCallData          *VideoCallData         `json:"videoCallData,omitempty"`

	// UID is the booking's uid.
	UID                    string                  `json:"uid,omitempty" jsonschema:"nullable"`
	ExistingRecurringEvent *ExistingRecurringEvent `json:"existingRecurringEvent,omitempty" jsonschema:"nullable"`
	BookingID              int64                   `json:"bookingId,omitempty"`
	// Recurrence is an RRULE string.
	Recurrence     string          `json:"recurrence,omitempty"`
	RecurringEvent *RecurringEvent `json:"recurringEvent,omitempty" jsonschema:"nullable"`
	EventTypeID    int64           `json:"eventTypeId,omitempty" jsonschema:"nullable"`
	// ICalUID is kept across reschedules; ICalSequence grows with each change.
	ICalUID      string `json:"iCalUID,omitempty" jsonschema:"nullable"`
	ICalSequence int    `json:"iCalSequence,omitempty" jsonschema:"nullable,minimum=0"`

	PaymentInfo          *PaymentInfo `json:"paymentInfo,omitempty" jsonschema:"nullable"`
	RequiresConfirmation bool         `json:"requiresConfirmation,omitempty" jsonschema:"nullable"`
	CancellationReason   string       `json:"cancellationReason,omitempty" jsonschema:"nullable"`
	RejectionReason      string       `json:"rejectionReason,omitempty" jsonschema:"nullable"`

	// DestinationCalendar lists where the event is written; the first entry is the main host's.
	DestinationCalendar []DestinationCalendar `json:"destinationCalendar,omitempty" jsonschema:"nullable"`

	HideCalendarNotes        bool `json:"hideCalendarNotes,omitempty"`
	HideCalendarEventDetails bool `json:"hideCalendarEventDetails,omitempty"`
	HideOrganizerEmail       bool `json:"hideOrganizerEmail,omitempty"`
	DisableCancelling        bool `json:"disableCancelling,omitempty"`
	DisableRescheduling      bool `json:"disableRescheduling,omitempty"`

	AppsStatus []AppsStatus `json:"appsStatus,omitempty"`

	SeatsShowAttendees         bool           `json:"seatsShowAttendees,omitempty" jsonschema:"nullable"`
	SeatsShowAvailabilityCount bool           `json:"seatsShowAvailabilityCount,omitempty" jsonschema:"nullable"`
	AttendeeSeatID             string         `json:"attendeeSeatId,omitempty"`
	SeatsPerTimeSlot           int            `json:"seatsPerTimeSlot,omitempty" jsonschema:"nullable"`
	SchedulingType             SchedulingType `json:"schedulingType,omitempty" jsonschema:"nullable"`

	// Responses holds the answers to every booking field, UserFieldsResponses only the user-defined ones.
	Responses           CalEventResponses `json:"responses,omitempty" jsonschema:"nullable"`
	UserFieldsResponses CalEventResponses `json:"userFieldsResponses,omitempty" jsonschema:"nullable"`

	PlatformClientID                 string            `json:"platformClientId,omitempty" jsonschema:"nullable"`
	PlatformRescheduleURL            string            `json:"platformRescheduleUrl,omitempty" jsonschema:"nullable"`
	PlatformCancelURL                string            `json:"platformCancelUrl,omitempty" jsonschema:"nullable"`
	PlatformBookingURL               string            `json:"platformBookingUrl,omitempty" jsonschema:"nullable"`
	OneTimePassword                  string            `json:"oneTimePassword,omitempty" jsonschema:"nullable"`
	DelegationCredentialID           string            `json:"delegationCredentialId,omitempty" jsonschema:"nullable"`
	DomainWideDelegationCredentialID string            `json:"domainWideDelegationCredentialId,omitempty" jsonschema:"nullable"`
	CustomReplyToEmail               string            `json:"customReplyToEmail,omitempty" jsonschema:"nullable"`
	RescheduledBy                    string            `json:"rescheduledBy,omitempty"`
	OrganizationID                   int64             `json:"organizationId,omitempty" jsonschema:"nullable"`
	HasOrganizerChanged              bool              `json:"hasOrganizerChanged,omitempty"`
	AssignmentReason                 *AssignmentReason `json:"assignmentReason,omitempty" jsonschema:"nullable"`

	// CalendarDescription is the text a calendar app writes as the event body
	// (Cal.com's CalendarServiceEvent).
	CalendarDescription string `json:"calendarDescription,omitempty"`
	// References are the booking's references to what apps created for it (a
	// Slotbox addition: Cal.com passes them beside the event).
	References []PartialReference `json:"references,omitempty"`
}

// Person is an organizer or attendee (Cal.com's Person). Language crosses the
// boundary as {"locale": "en"} only.
type Person struct {
	Name string `json:"name" jsonschema:"required"`
	// Email may be empty for attendees without one; it is not checked as an address.
	Email string `json:"email" jsonschema:"required"`
	// TimeZone is an IANA zone name such as "Europe/Paris".
	TimeZone      string     `json:"timeZone" jsonschema:"required"`
	Language      Language   `json:"language" jsonschema:"required"`
	Username      string     `json:"username,omitempty"`
	UsernameInOrg string     `json:"usernameInOrg,omitempty"`
	ID            int64      `json:"id,omitempty"`
	BookingID     int64      `json:"bookingId,omitempty" jsonschema:"nullable"`
	Locale        string     `json:"locale,omitempty" jsonschema:"nullable"`
	TimeFormat    TimeFormat `json:"timeFormat,omitempty"`
	// BookingSeat is the attendee's seat of a seated event, as Cal.com stores it.
	BookingSeat json.RawMessage `json:"bookingSeat,omitempty" jsonschema:"type=object,nullable"`
	PhoneNumber string          `json:"phoneNumber,omitempty" jsonschema:"nullable"`
}

// Language is a person's language; Cal.com's translate function stays on the host.
type Language struct {
	// Locale is a BCP 47 tag such as "en" or "pt-BR".
	Locale string `json:"locale" jsonschema:"required"`
}

// Team is the team of a team event.
type Team struct {
	ID      int64        `json:"id" jsonschema:"required"`
	Name    string       `json:"name" jsonschema:"required"`
	Members []TeamMember `json:"members" jsonschema:"required"`
}

// TeamMember is a member of an event's team (Cal.com's TeamMember).
type TeamMember struct {
	ID          int64    `json:"id,omitempty"`
	Name        string   `json:"name" jsonschema:"required"`
	Email       string   `json:"email" jsonschema:"required"`
	PhoneNumber string   `json:"phoneNumber,omitempty" jsonschema:"nullable"`
	TimeZone    string   `json:"timeZone" jsonschema:"required"`
	Language    Language `json:"language" jsonschema:"required"`
}

// ConferenceData asks a calendar to create a conference (Google Meet).
type ConferenceData struct {
	// CreateRequest is Google Calendar's CreateConferenceRequest, passed through.
	CreateRequest json.RawMessage `json:"createRequest,omitempty" jsonschema:"type=object"`
}

// AdditionalInformation is what a video or calendar app reported about the
// conference of an event.
type AdditionalInformation struct {
	ConferenceData *ConferenceData `json:"conferenceData,omitempty"`
	EntryPoints    []EntryPoint    `json:"entryPoints,omitempty"`
	HangoutLink    string          `json:"hangoutLink,omitempty"`
}

// EntryPoint is one way to join a conference.
type EntryPoint struct {
	EntryPointType string `json:"entryPointType,omitempty"`
	URI            string `json:"uri,omitempty"`
	Label          string `json:"label,omitempty"`
	Pin            string `json:"pin,omitempty"`
	AccessCode     string `json:"accessCode,omitempty"`
	MeetingCode    string `json:"meetingCode,omitempty"`
	Passcode       string `json:"passcode,omitempty"`
	Password       string `json:"password,omitempty"`
}

// ExistingRecurringEvent points at the third-party series an occurrence belongs to.
type ExistingRecurringEvent struct {
	RecurringEventID string `json:"recurringEventId" jsonschema:"required"`
}

// RecurringEvent is a recurrence rule in parts.
type RecurringEvent struct {
	DTStart  string    `json:"dtstart,omitempty" jsonschema:"format=date-time"`
	Interval int       `json:"interval" jsonschema:"required,minimum=1"`
	Count    int       `json:"count" jsonschema:"required,minimum=0"`
	Freq     Frequency `json:"freq" jsonschema:"required"`
	Until    string    `json:"until,omitempty" jsonschema:"format=date-time"`
	TZID     string    `json:"tzid,omitempty"`
}

// PaymentInfo is the payment of a booking that waits for one.
type PaymentInfo struct {
	Link          string `json:"link,omitempty" jsonschema:"nullable"`
	Reason        string `json:"reason,omitempty" jsonschema:"nullable"`
	ID            string `json:"id,omitempty" jsonschema:"nullable"`
	PaymentOption string `json:"paymentOption,omitempty" jsonschema:"nullable"`
	// Amount is in the currency's smallest unit.
	Amount   int64  `json:"amount,omitempty"`
	Currency string `json:"currency,omitempty"`
}

// DestinationCalendar is a calendar a booking is written to (Cal.com's
// DestinationCalendar row).
type DestinationCalendar struct {
	ID int64 `json:"id,omitempty"`
	// Integration is the calendar app's type, such as "google_calendar".
	Integration            string `json:"integration" jsonschema:"required"`
	ExternalID             string `json:"externalId" jsonschema:"required"`
	PrimaryEmail           string `json:"primaryEmail,omitempty" jsonschema:"nullable"`
	UserID                 int64  `json:"userId,omitempty" jsonschema:"nullable"`
	EventTypeID            int64  `json:"eventTypeId,omitempty" jsonschema:"nullable"`
	CredentialID           int64  `json:"credentialId,omitempty" jsonschema:"nullable"`
	DelegationCredentialID string `json:"delegationCredentialId,omitempty" jsonschema:"nullable"`
}

// AppsStatus is how one app fared with a booking.
type AppsStatus struct {
	AppName  string   `json:"appName" jsonschema:"required"`
	Type     string   `json:"type" jsonschema:"required"`
	Success  int      `json:"success" jsonschema:"required"`
	Failures int      `json:"failures" jsonschema:"required"`
	Errors   []string `json:"errors" jsonschema:"required"`
	Warnings []string `json:"warnings,omitempty"`
}

// CalEventResponses are booking-form answers keyed by field name.
type CalEventResponses map[string]CalEventResponse

// CalEventResponse is the answer to one booking-form field.
type CalEventResponse struct {
	Label string `json:"label" jsonschema:"required"`
	// Value is the answer: a string, number, boolean, list or object.
	Value    json.RawMessage `json:"value,omitempty"`
	IsHidden bool            `json:"isHidden,omitempty"`
}

// AssignmentReason says why a host was assigned to a booking.
type AssignmentReason struct {
	Category string `json:"category" jsonschema:"required"`
	Details  string `json:"details,omitempty" jsonschema:"nullable"`
}

// PartialReference is a booking's reference to what one app created for it
// (Cal.com's PartialReference).
type PartialReference struct {
	ID int64 `json:"id,omitempty"`
	// Type is the app's type, such as "zoom_video".
	Type                       string `json:"type" jsonschema:"required"`
	UID                        string `json:"uid" jsonschema:"required"`
	MeetingID                  string `json:"meetingId,omitempty" jsonschema:"nullable"`
	MeetingPassword            string `json:"meetingPassword,omitempty" jsonschema:"nullable"`
	MeetingURL                 string `json:"meetingUrl,omitempty" jsonschema:"nullable"`
	ThirdPartyRecurringEventID string `json:"thirdPartyRecurringEventId,omitempty" jsonschema:"nullable"`
	ExternalCalendarID         string `json:"externalCalendarId,omitempty" jsonschema:"nullable"`
	CredentialID               int64  `json:"credentialId,omitempty" jsonschema:"nullable"`
	DelegationCredentialID     string `json:"delegationCredentialId,omitempty" jsonschema:"nullable"`
}

// VideoCallData is a meeting a conferencing app created (Cal.com's VideoCallData).
type VideoCallData struct {
	// Type is the app's type, such as "zoom_video".
	Type string `json:"type"`
	// ID is the provider's meeting id.
	ID       string `json:"id" jsonschema:"required"`
	Password string `json:"password"`
	// URL is the join link.
	URL string `json:"url" jsonschema:"required"`
}

// Empty is the result of methods that answer {} and the input of methods that
// take nothing. Extra fields in an empty result are ignored.
type Empty struct{}
