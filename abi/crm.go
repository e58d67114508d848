package abi

// CRM methods: an app of category crm records bookings against contacts
// (Cal.com's CRM interface).

// CRMCreateEventInput is the input of crm.createEvent.
type CRMCreateEventInput struct {
	Event CalendarEvent `json:"event" jsonschema:"required"`
	// Contacts are the attendees' contacts, as crm.getContacts or crm.createContacts returned them.
	Contacts []Contact `json:"contacts" jsonschema:"required"`
}

// CRMCreateEventResult is the result of crm.createEvent.
type CRMCreateEventResult = CrmEvent

// CRMUpdateEventInput is the input of crm.updateEvent.
type CRMUpdateEventInput struct {
	// UID is the id the app returned from crm.createEvent.
	UID   string        `json:"uid" jsonschema:"required"`
	Event CalendarEvent `json:"event" jsonschema:"required"`
}

// CRMUpdateEventResult is the result of crm.updateEvent.
type CRMUpdateEventResult = CrmEvent

// CRMDeleteEventInput is the input of crm.deleteEvent.
type CRMDeleteEventInput struct {
	UID string `json:"uid" jsonschema:"required"`
	// Event is the cancelled booking, when the host has it.
	Event *CalendarEvent `json:"event,omitempty"`
}

// CRMDeleteEventResult is the result of crm.deleteEvent.
type CRMDeleteEventResult = Empty

// CRMGetContactsInput is the input of crm.getContacts.
type CRMGetContactsInput struct {
	Emails []string `json:"emails" jsonschema:"required"`
	// IncludeOwner asks for each contact's owner (ownerId, ownerEmail).
	IncludeOwner bool `json:"includeOwner,omitempty"`
	// ForRoundRobinSkip says the lookup decides round-robin host assignment.
	ForRoundRobinSkip bool `json:"forRoundRobinSkip,omitempty"`
}

// CRMGetContactsResult is the result of crm.getContacts.
type CRMGetContactsResult = []Contact

// CRMCreateContactsInput is the input of crm.createContacts.
type CRMCreateContactsInput struct {
	Contacts       []ContactCreateInput `json:"contacts" jsonschema:"required"`
	OrganizerEmail string               `json:"organizerEmail,omitempty"`
}

// CRMCreateContactsResult is the result of crm.createContacts.
type CRMCreateContactsResult = []Contact

// Contact is a CRM contact (Cal.com's Contact).
type Contact struct {
	ID         string `json:"id" jsonschema:"required"`
	Email      string `json:"email" jsonschema:"required"`
	OwnerID    string `json:"ownerId,omitempty"`
	OwnerEmail string `json:"ownerEmail,omitempty"`
	RecordType string `json:"recordType,omitempty"`
}

// ContactCreateInput is a contact to create (Cal.com's ContactCreateInput).
type ContactCreateInput struct {
	Email string `json:"email" jsonschema:"required"`
	Name  string `json:"name" jsonschema:"required"`
}

// CrmEvent is the record a CRM app wrote for a booking (Cal.com's CrmEvent).
type CrmEvent struct {
	ID             string         `json:"id" jsonschema:"required"`
	UID            string         `json:"uid,omitempty"`
	Type           string         `json:"type,omitempty"`
	Password       string         `json:"password,omitempty"`
	URL            string         `json:"url,omitempty"`
	AdditionalInfo map[string]any `json:"additionalInfo,omitempty"`
}
