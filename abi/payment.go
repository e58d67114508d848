package abi

// Payment methods: an app of category payment takes the payment a booking
// needs (Cal.com's IAbstractPaymentService). The host stores payments; the app
// returns what to store and names a payment by the id it returned from
// payment.create.

// PaymentCreateInput is the input of payment.create.
type PaymentCreateInput struct {
	Payment           PaymentAmount `json:"payment" jsonschema:"required"`
	BookingID         int64         `json:"bookingId" jsonschema:"required"`
	UserID            int64         `json:"userId,omitempty"`
	Username          string        `json:"username,omitempty" jsonschema:"nullable"`
	BookerName        string        `json:"bookerName" jsonschema:"required"`
	BookerEmail       string        `json:"bookerEmail" jsonschema:"required"`
	BookerPhoneNumber string        `json:"bookerPhoneNumber,omitempty" jsonschema:"nullable"`
	PaymentOption     PaymentOption `json:"paymentOption" jsonschema:"required"`
	EventTitle        string        `json:"eventTitle,omitempty"`
	BookingTitle      string        `json:"bookingTitle,omitempty"`
}

// PaymentCreateResult is the result of payment.create.
type PaymentCreateResult struct {
	// ID is the provider's id of the payment; later methods name the payment by it.
	ID      string `json:"id" jsonschema:"required"`
	Success bool   `json:"success" jsonschema:"required"`
	// URL is where the booker pays; empty when nothing is left for the booker to do.
	URL string `json:"url" jsonschema:"required"`
	// Data is provider data the host stores with the payment.
	Data map[string]any `json:"data,omitempty"`
}

// PaymentAmount is an amount of money.
type PaymentAmount struct {
	// Amount is in the currency's smallest unit (cents).
	Amount int64 `json:"amount" jsonschema:"required,minimum=0"`
	// Currency is an ISO 4217 code, in either case ("usd").
	Currency string `json:"currency" jsonschema:"required,pattern=^[A-Za-z]{3}$"`
}

// Payment is a stored payment as the host passes it to an app (Cal.com's
// Payment row).
type Payment struct {
	ID        int64  `json:"id" jsonschema:"required"`
	UID       string `json:"uid" jsonschema:"required"`
	AppID     string `json:"appId,omitempty" jsonschema:"nullable"`
	BookingID int64  `json:"bookingId" jsonschema:"required"`
	// Amount and Fee are in the currency's smallest unit.
	Amount   int64          `json:"amount" jsonschema:"required"`
	Fee      int64          `json:"fee"`
	Currency string         `json:"currency" jsonschema:"required"`
	Success  bool           `json:"success" jsonschema:"required"`
	Refunded bool           `json:"refunded" jsonschema:"required"`
	Data     map[string]any `json:"data,omitempty"`
	// ExternalID is the id the app returned from payment.create.
	ExternalID    string        `json:"externalId" jsonschema:"required"`
	PaymentOption PaymentOption `json:"paymentOption,omitempty" jsonschema:"nullable"`
}

// PaymentUpdateInput is the input of payment.update.
type PaymentUpdateInput struct {
	PaymentID string         `json:"paymentId" jsonschema:"required"`
	Data      map[string]any `json:"data" jsonschema:"required"`
}

// PaymentUpdateResult is the result of payment.update.
type PaymentUpdateResult struct {
	ID      string `json:"id" jsonschema:"required"`
	Success bool   `json:"success" jsonschema:"required"`
}

// PaymentRefundInput is the input of payment.refund.
type PaymentRefundInput struct {
	PaymentID string `json:"paymentId" jsonschema:"required"`
}

// PaymentRefundResult is the result of payment.refund.
type PaymentRefundResult struct {
	ID       string `json:"id" jsonschema:"required"`
	Refunded bool   `json:"refunded" jsonschema:"required"`
}

// PaymentAfterPaymentInput is the input of payment.afterPayment.
type PaymentAfterPaymentInput struct {
	Event   CalendarEvent  `json:"event" jsonschema:"required"`
	Booking PaymentBooking `json:"booking" jsonschema:"required"`
	Payment Payment        `json:"payment" jsonschema:"required"`
	// EventTypeMetadata is the event type's metadata, as Cal.com stores it.
	EventTypeMetadata map[string]any `json:"eventTypeMetadata,omitempty"`
}

// PaymentAfterPaymentResult is the result of payment.afterPayment.
type PaymentAfterPaymentResult = Empty

// PaymentBooking is the booking a payment belongs to.
type PaymentBooking struct {
	ID        int64        `json:"id" jsonschema:"required"`
	UID       string       `json:"uid" jsonschema:"required"`
	StartTime string       `json:"startTime" jsonschema:"required,format=date-time"`
	User      *BookingUser `json:"user,omitempty" jsonschema:"nullable"`
}

// BookingUser is the organizer of a booking.
type BookingUser struct {
	Email    string `json:"email,omitempty" jsonschema:"nullable"`
	Name     string `json:"name,omitempty" jsonschema:"nullable"`
	TimeZone string `json:"timeZone" jsonschema:"required"`
	Username string `json:"username,omitempty" jsonschema:"nullable"`
}

// PaymentDeletePaymentInput is the input of payment.deletePayment.
type PaymentDeletePaymentInput struct {
	PaymentID string `json:"paymentId" jsonschema:"required"`
}

// PaymentDeletePaymentResult is the result of payment.deletePayment.
type PaymentDeletePaymentResult struct {
	Deleted bool `json:"deleted" jsonschema:"required"`
}

// PaymentHandleWebhookInput is the input of payment.handleWebhook: a request
// the provider sent to the app's webhook URL.
type PaymentHandleWebhookInput struct {
	// Headers are the request's headers, names in lower case.
	Headers map[string]string `json:"headers" jsonschema:"required"`
	// Body is the raw request body, unchanged, so that signatures verify.
	Body string `json:"body" jsonschema:"required"`
}

// PaymentHandleWebhookResult is the result of payment.handleWebhook.
type PaymentHandleWebhookResult struct {
	// PaymentID is the id of the payment the webhook is about; empty when Status is "ignored".
	PaymentID string        `json:"paymentId" jsonschema:"required"`
	Status    PaymentStatus `json:"status" jsonschema:"required"`
}
