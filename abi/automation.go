package abi

import "encoding/json"

// Automation methods: an app of category automation reacts to what happens to
// bookings, like a Cal.com webhook subscriber.

// AutomationOnTriggerInput is the input of automation.onTrigger, shaped like
// Cal.com's webhook body.
type AutomationOnTriggerInput struct {
	TriggerEvent WebhookTriggerEvent `json:"triggerEvent" jsonschema:"required"`
	CreatedAt    string              `json:"createdAt" jsonschema:"required,format=date-time"`
	// Payload is the booking (a CalendarEvent plus Cal.com's webhook fields) or
	// the form submission the trigger is about.
	Payload json.RawMessage `json:"payload" jsonschema:"required,type=object"`
}

// AutomationOnTriggerResult is the result of automation.onTrigger.
type AutomationOnTriggerResult = Empty
