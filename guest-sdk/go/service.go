package slotbox

import (
	"context"

	"github.com/slotbox/slotbox/abi"
)

// The service interfaces, one per category of abi-v1 section 5. An app
// implements the methods of its category; Register serves every method the
// value has, one by one, so an app may leave some out (they answer
// NOT_IMPLEMENTED). Assert the whole interface at compile time to catch a
// misspelled signature, which would otherwise read as "not implemented":
//
//	var _ slotbox.Calendar = (*app)(nil)
//
// Methods whose result is {} return only an error. A method returns an
// *Error (possibly wrapped) to answer with a code of its own.

// Calendar is a calendar app: it writes bookings to a calendar and reads busy
// times from it (Cal.com's Calendar).
type Calendar interface {
	// CreateEvent serves calendar.createEvent.
	CreateEvent(ctx context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error)
	// UpdateEvent serves calendar.updateEvent.
	UpdateEvent(ctx context.Context, in *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error)
	// DeleteEvent serves calendar.deleteEvent.
	DeleteEvent(ctx context.Context, in *abi.CalendarDeleteEventInput) error
	// GetAvailability serves calendar.getAvailability.
	GetAvailability(ctx context.Context, in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error)
	// ListCalendars serves calendar.listCalendars.
	ListCalendars(ctx context.Context, in *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error)
}

// CRM is a CRM app: it records bookings against contacts (Cal.com's CRM).
type CRM interface {
	// CreateEvent serves crm.createEvent.
	CreateEvent(ctx context.Context, in *abi.CRMCreateEventInput) (*abi.CrmEvent, error)
	// UpdateEvent serves crm.updateEvent.
	UpdateEvent(ctx context.Context, in *abi.CRMUpdateEventInput) (*abi.CrmEvent, error)
	// DeleteEvent serves crm.deleteEvent.
	DeleteEvent(ctx context.Context, in *abi.CRMDeleteEventInput) error
	// GetContacts serves crm.getContacts.
	GetContacts(ctx context.Context, in *abi.CRMGetContactsInput) ([]abi.Contact, error)
	// CreateContacts serves crm.createContacts.
	CreateContacts(ctx context.Context, in *abi.CRMCreateContactsInput) ([]abi.Contact, error)
}

// Payment is a payment app: it takes the payment a booking needs (Cal.com's
// IAbstractPaymentService); the host stores the payments.
type Payment interface {
	// Create serves payment.create.
	Create(ctx context.Context, in *abi.PaymentCreateInput) (*abi.PaymentCreateResult, error)
	// Update serves payment.update.
	Update(ctx context.Context, in *abi.PaymentUpdateInput) (*abi.PaymentUpdateResult, error)
	// Refund serves payment.refund.
	Refund(ctx context.Context, in *abi.PaymentRefundInput) (*abi.PaymentRefundResult, error)
	// AfterPayment serves payment.afterPayment.
	AfterPayment(ctx context.Context, in *abi.PaymentAfterPaymentInput) error
	// DeletePayment serves payment.deletePayment.
	DeletePayment(ctx context.Context, in *abi.PaymentDeletePaymentInput) (*abi.PaymentDeletePaymentResult, error)
	// HandleWebhook serves payment.handleWebhook.
	HandleWebhook(ctx context.Context, in *abi.PaymentHandleWebhookInput) (*abi.PaymentHandleWebhookResult, error)
}

// Video is a conferencing app: it creates the meeting a booking takes place
// in (Cal.com's VideoApiAdapter).
type Video interface {
	// CreateMeeting serves video.createMeeting.
	CreateMeeting(ctx context.Context, in *abi.VideoCreateMeetingInput) (*abi.VideoCallData, error)
	// UpdateMeeting serves video.updateMeeting.
	UpdateMeeting(ctx context.Context, in *abi.VideoUpdateMeetingInput) (*abi.VideoCallData, error)
	// DeleteMeeting serves video.deleteMeeting.
	DeleteMeeting(ctx context.Context, in *abi.VideoDeleteMeetingInput) error
	// GetAvailability serves video.getAvailability.
	GetAvailability(ctx context.Context, in *abi.VideoGetAvailabilityInput) ([]abi.EventBusyDate, error)
}

// Analytics is an analytics app: it reports booking events to an analytics
// service.
type Analytics interface {
	// Track serves analytics.track.
	Track(ctx context.Context, in *abi.AnalyticsTrackInput) error
	// Identify serves analytics.identify.
	Identify(ctx context.Context, in *abi.AnalyticsIdentifyInput) error
}

// Automation is an automation app: it reacts to what happens to bookings,
// like a Cal.com webhook subscriber.
type Automation interface {
	// OnTrigger serves automation.onTrigger.
	OnTrigger(ctx context.Context, in *abi.AutomationOnTriggerInput) error
}

// KeysChecker is implemented by an app of any category that can tell whether
// an installation's keys work.
type KeysChecker interface {
	// CheckKeys serves app.checkKeys.
	CheckKeys(ctx context.Context, in *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error)
}
