package abi

// Names of the methods a host may call (abi-v1 section 5).
const (
	MethodCalendarCreateEvent     = "calendar.createEvent"
	MethodCalendarUpdateEvent     = "calendar.updateEvent"
	MethodCalendarDeleteEvent     = "calendar.deleteEvent"
	MethodCalendarGetAvailability = "calendar.getAvailability"
	MethodCalendarListCalendars   = "calendar.listCalendars"

	MethodCRMCreateEvent    = "crm.createEvent"
	MethodCRMUpdateEvent    = "crm.updateEvent"
	MethodCRMDeleteEvent    = "crm.deleteEvent"
	MethodCRMGetContacts    = "crm.getContacts"
	MethodCRMCreateContacts = "crm.createContacts"

	MethodPaymentCreate        = "payment.create"
	MethodPaymentUpdate        = "payment.update"
	MethodPaymentRefund        = "payment.refund"
	MethodPaymentAfterPayment  = "payment.afterPayment"
	MethodPaymentDeletePayment = "payment.deletePayment"
	MethodPaymentHandleWebhook = "payment.handleWebhook"

	MethodVideoCreateMeeting   = "video.createMeeting"
	MethodVideoUpdateMeeting   = "video.updateMeeting"
	MethodVideoDeleteMeeting   = "video.deleteMeeting"
	MethodVideoGetAvailability = "video.getAvailability"

	MethodAnalyticsTrack    = "analytics.track"
	MethodAnalyticsIdentify = "analytics.identify"

	MethodAutomationOnTrigger = "automation.onTrigger"

	MethodAppCheckKeys = "app.checkKeys"
)

// Method describes one method of the catalogue.
type Method struct {
	// Name is the method's wire name, such as "calendar.createEvent".
	Name string
	// Category is the category of apps that implement it.
	Category Category
	// Input and Result are zero values of the input and result types; the
	// schema generator reflects on them.
	Input, Result any
}

// methods is the catalogue in the order of abi-v1 section 5. It is never
// modified; Methods hands out copies.
var methods = [...]Method{
	{MethodCalendarCreateEvent, CategoryCalendar, CalendarCreateEventInput{}, CalendarCreateEventResult{}},
	{MethodCalendarUpdateEvent, CategoryCalendar, CalendarUpdateEventInput{}, CalendarUpdateEventResult{}},
	{MethodCalendarDeleteEvent, CategoryCalendar, CalendarDeleteEventInput{}, CalendarDeleteEventResult{}},
	{MethodCalendarGetAvailability, CategoryCalendar, CalendarGetAvailabilityInput{}, CalendarGetAvailabilityResult{}},
	{MethodCalendarListCalendars, CategoryCalendar, CalendarListCalendarsInput{}, CalendarListCalendarsResult{}},

	{MethodCRMCreateEvent, CategoryCRM, CRMCreateEventInput{}, CRMCreateEventResult{}},
	{MethodCRMUpdateEvent, CategoryCRM, CRMUpdateEventInput{}, CRMUpdateEventResult{}},
	{MethodCRMDeleteEvent, CategoryCRM, CRMDeleteEventInput{}, CRMDeleteEventResult{}},
	{MethodCRMGetContacts, CategoryCRM, CRMGetContactsInput{}, CRMGetContactsResult{}},
	{MethodCRMCreateContacts, CategoryCRM, CRMCreateContactsInput{}, CRMCreateContactsResult{}},

	{MethodPaymentCreate, CategoryPayment, PaymentCreateInput{}, PaymentCreateResult{}},
	{MethodPaymentUpdate, CategoryPayment, PaymentUpdateInput{}, PaymentUpdateResult{}},
	{MethodPaymentRefund, CategoryPayment, PaymentRefundInput{}, PaymentRefundResult{}},
	{MethodPaymentAfterPayment, CategoryPayment, PaymentAfterPaymentInput{}, PaymentAfterPaymentResult{}},
	{MethodPaymentDeletePayment, CategoryPayment, PaymentDeletePaymentInput{}, PaymentDeletePaymentResult{}},
	{MethodPaymentHandleWebhook, CategoryPayment, PaymentHandleWebhookInput{}, PaymentHandleWebhookResult{}},

	{MethodVideoCreateMeeting, CategoryConferencing, VideoCreateMeetingInput{}, VideoCreateMeetingResult{}},
	{MethodVideoUpdateMeeting, CategoryConferencing, VideoUpdateMeetingInput{}, VideoUpdateMeetingResult{}},
	{MethodVideoDeleteMeeting, CategoryConferencing, VideoDeleteMeetingInput{}, VideoDeleteMeetingResult{}},
	{MethodVideoGetAvailability, CategoryConferencing, VideoGetAvailabilityInput{}, VideoGetAvailabilityResult{}},

	{MethodAnalyticsTrack, CategoryAnalytics, AnalyticsTrackInput{}, AnalyticsTrackResult{}},
	{MethodAnalyticsIdentify, CategoryAnalytics, AnalyticsIdentifyInput{}, AnalyticsIdentifyResult{}},

	{MethodAutomationOnTrigger, CategoryAutomation, AutomationOnTriggerInput{}, AutomationOnTriggerResult{}},

	{MethodAppCheckKeys, CategoryAny, AppCheckKeysInput{}, AppCheckKeysResult{}},
}

// Methods returns the method catalogue, a fresh copy on each call.
func Methods() []Method {
	out := make([]Method, len(methods))
	copy(out, methods[:])
	return out
}

// LookupMethod returns the method with the given wire name.
func LookupMethod(name string) (Method, bool) {
	for _, m := range methods {
		if m.Name == name {
			return m, true
		}
	}
	return Method{}, false
}

// MethodsOf returns the methods an app of category c implements, including
// those every app may implement.
func MethodsOf(c Category) []Method {
	var out []Method
	for _, m := range methods {
		if c.Serves(m.Category) {
			out = append(out, m)
		}
	}
	return out
}
