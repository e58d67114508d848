package abi

// Calendar methods: an app of category calendar writes bookings to a calendar
// and reads busy times from it (Cal.com's Calendar interface).

// CalendarCreateEventInput is the input of calendar.createEvent.
type CalendarCreateEventInput struct {
	Event CalendarEvent `json:"event" jsonschema:"required"`
	// ExternalCalendarID is the calendar to write to; the app's primary calendar when empty.
	ExternalCalendarID string `json:"externalCalendarId,omitempty" jsonschema:"nullable"`
}

// CalendarCreateEventResult is the result of calendar.createEvent.
type CalendarCreateEventResult = NewCalendarEventType

// CalendarUpdateEventInput is the input of calendar.updateEvent.
type CalendarUpdateEventInput struct {
	// UID is the uid the app returned when it created the event.
	UID                string        `json:"uid" jsonschema:"required"`
	Event              CalendarEvent `json:"event" jsonschema:"required"`
	ExternalCalendarID string        `json:"externalCalendarId,omitempty" jsonschema:"nullable"`
}

// CalendarUpdateEventResult is the result of calendar.updateEvent.
type CalendarUpdateEventResult = NewCalendarEventType

// CalendarDeleteEventInput is the input of calendar.deleteEvent.
type CalendarDeleteEventInput struct {
	UID                string        `json:"uid" jsonschema:"required"`
	Event              CalendarEvent `json:"event" jsonschema:"required"`
	ExternalCalendarID string        `json:"externalCalendarId,omitempty" jsonschema:"nullable"`
}

// CalendarDeleteEventResult is the result of calendar.deleteEvent.
type CalendarDeleteEventResult = Empty

// CalendarGetAvailabilityInput is the input of calendar.getAvailability.
type CalendarGetAvailabilityInput struct {
	DateFrom string `json:"dateFrom" jsonschema:"required,format=date-time"`
	DateTo   string `json:"dateTo" jsonschema:"required,format=date-time"`
	// SelectedCalendars are the calendars whose busy times count.
	SelectedCalendars []IntegrationCalendar `json:"selectedCalendars" jsonschema:"required"`
}

// CalendarGetAvailabilityResult is the result of calendar.getAvailability.
type CalendarGetAvailabilityResult = []EventBusyDate

// CalendarListCalendarsInput is the input of calendar.listCalendars.
type CalendarListCalendarsInput = Empty

// CalendarListCalendarsResult is the result of calendar.listCalendars.
type CalendarListCalendarsResult = []IntegrationCalendar

// NewCalendarEventType is what a calendar app answers after writing an event
// (Cal.com's NewCalendarEventType). The host keeps ID and UID as the booking
// reference; Cal.com's other required fields may be omitted and read as empty.
type NewCalendarEventType struct {
	UID                        string          `json:"uid" jsonschema:"required"`
	ID                         string          `json:"id" jsonschema:"required"`
	Type                       string          `json:"type"`
	Password                   string          `json:"password"`
	URL                        string          `json:"url"`
	AdditionalInfo             map[string]any  `json:"additionalInfo,omitempty"`
	ThirdPartyRecurringEventID string          `json:"thirdPartyRecurringEventId,omitempty" jsonschema:"nullable"`
	ICalUID                    string          `json:"iCalUID,omitempty" jsonschema:"nullable"`
	Location                   string          `json:"location,omitempty" jsonschema:"nullable"`
	HangoutLink                string          `json:"hangoutLink,omitempty" jsonschema:"nullable"`
	ConferenceData             *ConferenceData `json:"conferenceData,omitempty"`
	DelegatedToID              string          `json:"delegatedToId,omitempty" jsonschema:"nullable"`
}

// EventBusyDate is one busy interval (Cal.com's EventBusyDate).
type EventBusyDate struct {
	Start  string `json:"start" jsonschema:"required,format=date-time"`
	End    string `json:"end" jsonschema:"required,format=date-time"`
	Source string `json:"source,omitempty" jsonschema:"nullable"`
	// TimeZone is the zone the interval was read in, when the app knows it.
	TimeZone string `json:"timeZone,omitempty"`
}

// IntegrationCalendar is one calendar of a connected account (Cal.com's
// IntegrationCalendar). The host fills Integration with the app's type when
// the app leaves it empty.
type IntegrationCalendar struct {
	ExternalID       string `json:"externalId" jsonschema:"required"`
	Integration      string `json:"integration,omitempty"`
	Name             string `json:"name,omitempty"`
	Primary          bool   `json:"primary,omitempty" jsonschema:"nullable"`
	ReadOnly         bool   `json:"readOnly,omitempty"`
	Email            string `json:"email,omitempty"`
	PrimaryEmail     string `json:"primaryEmail,omitempty" jsonschema:"nullable"`
	CredentialID     int64  `json:"credentialId,omitempty" jsonschema:"nullable"`
	IntegrationTitle string `json:"integrationTitle,omitempty"`
	UserID           int64  `json:"userId,omitempty" jsonschema:"nullable"`
	EventTypeID      int64  `json:"eventTypeId,omitempty" jsonschema:"nullable"`
}
