package slotbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slotbox/slotbox/abi"
)

// defaultMux is the Mux the module's slotbox_call export serves.
var defaultMux = NewMux()

// Register serves app's methods from this module: every method of the
// service interfaces (Calendar, CRM, Payment, Video, Analytics, Automation,
// KeysChecker) that app has. Call it from an init function; Go's reactor
// build never runs main. An app spanning two categories whose method names
// collide (CreateEvent of Calendar and of CRM) registers two values.
// Register panics when app has none of the methods or a method is
// registered twice.
func Register(app any) { defaultMux.Register(app) }

// Register adds app's methods to m; see the package-level Register.
func (m *Mux) Register(app any) {
	n := 0
	for _, b := range binders {
		if h := b.bind(app); h != nil {
			m.handle(b.method, h)
			n++
		}
	}
	if n == 0 {
		panic(fmt.Sprintf("slotbox: %T has none of the methods of a service interface (Calendar, CRM, Payment, Video, Analytics, Automation, KeysChecker)", app))
	}
}

// binders find each method of the catalogue on an app value. They assert
// one-method interfaces, so an app may implement any subset of its
// category, and no reflection is needed.
var binders = [...]struct {
	method string
	bind   func(app any) handler
}{
	{abi.MethodCalendarCreateEvent, func(a any) handler {
		if s, ok := a.(interface {
			CreateEvent(context.Context, *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error)
		}); ok {
			return one(s.CreateEvent)
		}
		return nil
	}},
	{abi.MethodCalendarUpdateEvent, func(a any) handler {
		if s, ok := a.(interface {
			UpdateEvent(context.Context, *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error)
		}); ok {
			return one(s.UpdateEvent)
		}
		return nil
	}},
	{abi.MethodCalendarDeleteEvent, func(a any) handler {
		if s, ok := a.(interface {
			DeleteEvent(context.Context, *abi.CalendarDeleteEventInput) error
		}); ok {
			return none(s.DeleteEvent)
		}
		return nil
	}},
	{abi.MethodCalendarGetAvailability, func(a any) handler {
		if s, ok := a.(interface {
			GetAvailability(context.Context, *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error)
		}); ok {
			return list(s.GetAvailability)
		}
		return nil
	}},
	{abi.MethodCalendarListCalendars, func(a any) handler {
		if s, ok := a.(interface {
			ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error)
		}); ok {
			return list(s.ListCalendars)
		}
		return nil
	}},

	{abi.MethodCRMCreateEvent, func(a any) handler {
		if s, ok := a.(interface {
			CreateEvent(context.Context, *abi.CRMCreateEventInput) (*abi.CrmEvent, error)
		}); ok {
			return one(s.CreateEvent)
		}
		return nil
	}},
	{abi.MethodCRMUpdateEvent, func(a any) handler {
		if s, ok := a.(interface {
			UpdateEvent(context.Context, *abi.CRMUpdateEventInput) (*abi.CrmEvent, error)
		}); ok {
			return one(s.UpdateEvent)
		}
		return nil
	}},
	{abi.MethodCRMDeleteEvent, func(a any) handler {
		if s, ok := a.(interface {
			DeleteEvent(context.Context, *abi.CRMDeleteEventInput) error
		}); ok {
			return none(s.DeleteEvent)
		}
		return nil
	}},
	{abi.MethodCRMGetContacts, func(a any) handler {
		if s, ok := a.(interface {
			GetContacts(context.Context, *abi.CRMGetContactsInput) ([]abi.Contact, error)
		}); ok {
			return list(s.GetContacts)
		}
		return nil
	}},
	{abi.MethodCRMCreateContacts, func(a any) handler {
		if s, ok := a.(interface {
			CreateContacts(context.Context, *abi.CRMCreateContactsInput) ([]abi.Contact, error)
		}); ok {
			return list(s.CreateContacts)
		}
		return nil
	}},

	{abi.MethodPaymentCreate, func(a any) handler {
		if s, ok := a.(interface {
			Create(context.Context, *abi.PaymentCreateInput) (*abi.PaymentCreateResult, error)
		}); ok {
			return one(s.Create)
		}
		return nil
	}},
	{abi.MethodPaymentUpdate, func(a any) handler {
		if s, ok := a.(interface {
			Update(context.Context, *abi.PaymentUpdateInput) (*abi.PaymentUpdateResult, error)
		}); ok {
			return one(s.Update)
		}
		return nil
	}},
	{abi.MethodPaymentRefund, func(a any) handler {
		if s, ok := a.(interface {
			Refund(context.Context, *abi.PaymentRefundInput) (*abi.PaymentRefundResult, error)
		}); ok {
			return one(s.Refund)
		}
		return nil
	}},
	{abi.MethodPaymentAfterPayment, func(a any) handler {
		if s, ok := a.(interface {
			AfterPayment(context.Context, *abi.PaymentAfterPaymentInput) error
		}); ok {
			return none(s.AfterPayment)
		}
		return nil
	}},
	{abi.MethodPaymentDeletePayment, func(a any) handler {
		if s, ok := a.(interface {
			DeletePayment(context.Context, *abi.PaymentDeletePaymentInput) (*abi.PaymentDeletePaymentResult, error)
		}); ok {
			return one(s.DeletePayment)
		}
		return nil
	}},
	{abi.MethodPaymentHandleWebhook, func(a any) handler {
		if s, ok := a.(interface {
			HandleWebhook(context.Context, *abi.PaymentHandleWebhookInput) (*abi.PaymentHandleWebhookResult, error)
		}); ok {
			return one(s.HandleWebhook)
		}
		return nil
	}},

	{abi.MethodVideoCreateMeeting, func(a any) handler {
		if s, ok := a.(interface {
			CreateMeeting(context.Context, *abi.VideoCreateMeetingInput) (*abi.VideoCallData, error)
		}); ok {
			return one(s.CreateMeeting)
		}
		return nil
	}},
	{abi.MethodVideoUpdateMeeting, func(a any) handler {
		if s, ok := a.(interface {
			UpdateMeeting(context.Context, *abi.VideoUpdateMeetingInput) (*abi.VideoCallData, error)
		}); ok {
			return one(s.UpdateMeeting)
		}
		return nil
	}},
	{abi.MethodVideoDeleteMeeting, func(a any) handler {
		if s, ok := a.(interface {
			DeleteMeeting(context.Context, *abi.VideoDeleteMeetingInput) error
		}); ok {
			return none(s.DeleteMeeting)
		}
		return nil
	}},
	{abi.MethodVideoGetAvailability, func(a any) handler {
		if s, ok := a.(interface {
			GetAvailability(context.Context, *abi.VideoGetAvailabilityInput) ([]abi.EventBusyDate, error)
		}); ok {
			return list(s.GetAvailability)
		}
		return nil
	}},

	{abi.MethodAnalyticsTrack, func(a any) handler {
		if s, ok := a.(interface {
			Track(context.Context, *abi.AnalyticsTrackInput) error
		}); ok {
			return none(s.Track)
		}
		return nil
	}},
	{abi.MethodAnalyticsIdentify, func(a any) handler {
		if s, ok := a.(interface {
			Identify(context.Context, *abi.AnalyticsIdentifyInput) error
		}); ok {
			return none(s.Identify)
		}
		return nil
	}},

	{abi.MethodAutomationOnTrigger, func(a any) handler {
		if s, ok := a.(interface {
			OnTrigger(context.Context, *abi.AutomationOnTriggerInput) error
		}); ok {
			return none(s.OnTrigger)
		}
		return nil
	}},

	{abi.MethodAppCheckKeys, func(a any) handler {
		if s, ok := a.(interface {
			CheckKeys(context.Context, *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error)
		}); ok {
			return one(s.CheckKeys)
		}
		return nil
	}},
}

// HandleFunc serves a method outside the catalogue (an app's own test or
// admin method, say) with f, which gets the raw input JSON and returns a
// value to encode as the result.
func HandleFunc(method string, f func(ctx context.Context, in json.RawMessage) (any, error)) {
	defaultMux.HandleFunc(method, f)
}

// HandleFunc is the package-level HandleFunc for one Mux.
func (m *Mux) HandleFunc(method string, f func(ctx context.Context, in json.RawMessage) (any, error)) {
	m.handle(method, func(ctx context.Context, in []byte) (any, error) { return f(ctx, in) })
}
