// Cal.com's app types with Cal.com's field names (packages/types), as the
// slotbox/1 methods pass them. Inputs have static read(v: Value) that never
// fails (missing fields read as "" / 0 / null; the host has already checked
// the input against the method's schema); results have write(w: Writer).
// Every class keeps the object it was read from in `raw`, for fields not
// modelled here.
import { Value, Writer } from "./json";

function optString(v: Value, key: string): string | null {
  const f = v.get(key);
  return f.isString ? f.text : null;
}

function writeOpt(w: Writer, key: string, value: string | null): void {
  if (value !== null) w.keyString(key, value);
}

function readArray<T>(v: Value, read: (v: Value) => T): T[] {
  const out = new Array<T>();
  if (!v.isArray) return out;
  for (let i = 0; i < v.length; i++) out.push(read(v.at(i)));
  return out;
}

/** Cal.com's Person: an organizer or attendee. language crosses as {locale}. */
export class Person {
  name: string = "";
  email: string = "";
  /** IANA zone, e.g. "Europe/Paris". */
  timeZone: string = "";
  /** language.locale, e.g. "en". */
  locale: string = "";
  username: string | null = null;
  timeFormat: string | null = null;
  phoneNumber: string | null = null;
  raw: Value = Value.MISSING;

  /** Reads a Person object. */
  static read(v: Value): Person {
    const p = new Person();
    p.name = v.get("name").asString();
    p.email = v.get("email").asString();
    p.timeZone = v.get("timeZone").asString();
    p.locale = v.get("language").get("locale").asString();
    p.username = optString(v, "username");
    p.timeFormat = optString(v, "timeFormat");
    p.phoneNumber = optString(v, "phoneNumber");
    p.raw = v;
    return p;
  }

  /** Writes the Person object. */
  write(w: Writer): void {
    w.beginObject();
    w.keyString("name", this.name).keyString("email", this.email).keyString("timeZone", this.timeZone);
    w.key("language").beginObject().keyString("locale", this.locale).endObject();
    writeOpt(w, "username", this.username);
    writeOpt(w, "timeFormat", this.timeFormat);
    writeOpt(w, "phoneNumber", this.phoneNumber);
    w.endObject();
  }
}

/** Cal.com's CalendarEvent: a booking. Times are UTC ISO-8601 strings. */
export class CalendarEvent {
  /** The event type's slug. */
  type: string = "";
  title: string = "";
  startTime: string = "";
  endTime: string = "";
  organizer: Person = new Person();
  attendees: Person[] = [];
  /** The booking's uid. */
  uid: string | null = null;
  iCalUID: string | null = null;
  iCalSequence: i32 = 0;
  location: string | null = null;
  description: string | null = null;
  additionalNotes: string | null = null;
  bookerUrl: string | null = null;
  /** Duration in minutes; 0 when absent. */
  length: i32 = 0;
  bookingId: i64 = 0;
  eventTypeId: i64 = 0;
  /** The text a calendar app writes as the event body. */
  calendarDescription: string | null = null;
  raw: Value = Value.MISSING;

  /** Reads a CalendarEvent object. */
  static read(v: Value): CalendarEvent {
    const e = new CalendarEvent();
    e.type = v.get("type").asString();
    e.title = v.get("title").asString();
    e.startTime = v.get("startTime").asString();
    e.endTime = v.get("endTime").asString();
    e.organizer = Person.read(v.get("organizer"));
    e.attendees = readArray<Person>(v.get("attendees"), (p: Value): Person => Person.read(p));
    e.uid = optString(v, "uid");
    e.iCalUID = optString(v, "iCalUID");
    e.iCalSequence = <i32>v.get("iCalSequence").asInt();
    e.location = optString(v, "location");
    e.description = optString(v, "description");
    e.additionalNotes = optString(v, "additionalNotes");
    e.bookerUrl = optString(v, "bookerUrl");
    e.length = <i32>v.get("length").asInt();
    e.bookingId = v.get("bookingId").asInt();
    e.eventTypeId = v.get("eventTypeId").asInt();
    e.calendarDescription = optString(v, "calendarDescription");
    e.raw = v;
    return e;
  }
}

/** Cal.com's PartialReference: what the host stored about an app's creation for a booking. */
export class PartialReference {
  type: string = "";
  uid: string = "";
  meetingId: string | null = null;
  meetingPassword: string | null = null;
  meetingUrl: string | null = null;
  externalCalendarId: string | null = null;
  raw: Value = Value.MISSING;

  /** Reads a PartialReference object. */
  static read(v: Value): PartialReference {
    const r = new PartialReference();
    r.type = v.get("type").asString();
    r.uid = v.get("uid").asString();
    r.meetingId = optString(v, "meetingId");
    r.meetingPassword = optString(v, "meetingPassword");
    r.meetingUrl = optString(v, "meetingUrl");
    r.externalCalendarId = optString(v, "externalCalendarId");
    r.raw = v;
    return r;
  }
}

/** Cal.com's VideoCallData: the result of video.createMeeting and video.updateMeeting. */
export class VideoCallData {
  constructor(
    public type: string = "",
    public id: string = "",
    public password: string = "",
    public url: string = "",
  ) {}

  /** Writes the VideoCallData object. */
  write(w: Writer): void {
    w.beginObject();
    w.keyString("type", this.type).keyString("id", this.id).keyString("password", this.password).keyString("url", this.url);
    w.endObject();
  }
}

/** Cal.com's NewCalendarEventType: the result of calendar.createEvent and calendar.updateEvent. */
export class NewCalendarEventType {
  uid: string = "";
  id: string = "";
  type: string = "";
  password: string = "";
  url: string = "";
  /** An object of extra data; MISSING writes {}. */
  additionalInfo: Value = Value.MISSING;
  iCalUID: string | null = null;
  location: string | null = null;
  hangoutLink: string | null = null;
  thirdPartyRecurringEventId: string | null = null;

  /** Writes the NewCalendarEventType object. */
  write(w: Writer): void {
    w.beginObject();
    w.keyString("uid", this.uid).keyString("id", this.id).keyString("type", this.type);
    w.keyString("password", this.password).keyString("url", this.url);
    w.key("additionalInfo");
    if (this.additionalInfo.isObject) w.value(this.additionalInfo);
    else w.beginObject().endObject();
    writeOpt(w, "iCalUID", this.iCalUID);
    writeOpt(w, "location", this.location);
    writeOpt(w, "hangoutLink", this.hangoutLink);
    writeOpt(w, "thirdPartyRecurringEventId", this.thirdPartyRecurringEventId);
    w.endObject();
  }
}

/** Cal.com's EventBusyDate: one busy interval (getAvailability results). */
export class EventBusyDate {
  constructor(
    public start: string = "",
    public end: string = "",
    public source: string | null = null,
  ) {}

  /** Writes the EventBusyDate object. */
  write(w: Writer): void {
    w.beginObject().keyString("start", this.start).keyString("end", this.end);
    writeOpt(w, "source", this.source);
    w.endObject();
  }
}

/** Cal.com's IntegrationCalendar: one calendar of a connected account. */
export class IntegrationCalendar {
  externalId: string = "";
  integration: string | null = null;
  name: string | null = null;
  primary: bool = false;
  readOnly: bool = false;
  email: string | null = null;
  primaryEmail: string | null = null;
  integrationTitle: string | null = null;
  raw: Value = Value.MISSING;

  /** Reads an IntegrationCalendar object (calendar.getAvailability's selectedCalendars). */
  static read(v: Value): IntegrationCalendar {
    const c = new IntegrationCalendar();
    c.externalId = v.get("externalId").asString();
    c.integration = optString(v, "integration");
    c.name = optString(v, "name");
    c.primary = v.get("primary").asBool();
    c.readOnly = v.get("readOnly").asBool();
    c.email = optString(v, "email");
    c.primaryEmail = optString(v, "primaryEmail");
    c.integrationTitle = optString(v, "integrationTitle");
    c.raw = v;
    return c;
  }

  /** Writes the IntegrationCalendar object. */
  write(w: Writer): void {
    w.beginObject().keyString("externalId", this.externalId);
    writeOpt(w, "integration", this.integration);
    writeOpt(w, "name", this.name);
    if (this.primary) w.keyBool("primary", true);
    if (this.readOnly) w.keyBool("readOnly", true);
    writeOpt(w, "email", this.email);
    writeOpt(w, "primaryEmail", this.primaryEmail);
    writeOpt(w, "integrationTitle", this.integrationTitle);
    w.endObject();
  }
}

/** Cal.com's Contact: a CRM contact. */
export class Contact {
  constructor(
    public id: string = "",
    public email: string = "",
    public ownerId: string | null = null,
    public ownerEmail: string | null = null,
    public recordType: string | null = null,
  ) {}

  /** Reads a Contact object. */
  static read(v: Value): Contact {
    return new Contact(v.get("id").asString(), v.get("email").asString(), optString(v, "ownerId"), optString(v, "ownerEmail"), optString(v, "recordType"));
  }

  /** Writes the Contact object. */
  write(w: Writer): void {
    w.beginObject().keyString("id", this.id).keyString("email", this.email);
    writeOpt(w, "ownerId", this.ownerId);
    writeOpt(w, "ownerEmail", this.ownerEmail);
    writeOpt(w, "recordType", this.recordType);
    w.endObject();
  }
}

/** Cal.com's ContactCreateInput: a contact to create. */
export class ContactCreateInput {
  email: string = "";
  name: string = "";

  /** Reads a ContactCreateInput object. */
  static read(v: Value): ContactCreateInput {
    const c = new ContactCreateInput();
    c.email = v.get("email").asString();
    c.name = v.get("name").asString();
    return c;
  }
}

/** Cal.com's CrmEvent: the record a CRM app wrote for a booking. */
export class CrmEvent {
  id: string = "";
  uid: string | null = null;
  type: string | null = null;
  password: string | null = null;
  url: string | null = null;
  additionalInfo: Value = Value.MISSING;

  constructor(id: string = "") {
    this.id = id;
  }

  /** Writes the CrmEvent object. */
  write(w: Writer): void {
    w.beginObject().keyString("id", this.id);
    writeOpt(w, "uid", this.uid);
    writeOpt(w, "type", this.type);
    writeOpt(w, "password", this.password);
    writeOpt(w, "url", this.url);
    if (this.additionalInfo.isObject) w.keyValue("additionalInfo", this.additionalInfo);
    w.endObject();
  }
}

// ------------------------------------------------------------ method inputs

/** Input of calendar.createEvent. */
export class CalendarCreateEventInput {
  event: CalendarEvent = new CalendarEvent();
  externalCalendarId: string | null = null;

  /** Reads the input. */
  static read(v: Value): CalendarCreateEventInput {
    const i = new CalendarCreateEventInput();
    i.event = CalendarEvent.read(v.get("event"));
    i.externalCalendarId = optString(v, "externalCalendarId");
    return i;
  }
}

/** Input of calendar.updateEvent and calendar.deleteEvent. */
export class CalendarUpdateEventInput {
  uid: string = "";
  event: CalendarEvent = new CalendarEvent();
  externalCalendarId: string | null = null;

  /** Reads the input. */
  static read(v: Value): CalendarUpdateEventInput {
    const i = new CalendarUpdateEventInput();
    i.uid = v.get("uid").asString();
    i.event = CalendarEvent.read(v.get("event"));
    i.externalCalendarId = optString(v, "externalCalendarId");
    return i;
  }
}

/** Input of calendar.getAvailability. */
export class CalendarGetAvailabilityInput {
  dateFrom: string = "";
  dateTo: string = "";
  selectedCalendars: IntegrationCalendar[] = [];

  /** Reads the input. */
  static read(v: Value): CalendarGetAvailabilityInput {
    const i = new CalendarGetAvailabilityInput();
    i.dateFrom = v.get("dateFrom").asString();
    i.dateTo = v.get("dateTo").asString();
    i.selectedCalendars = readArray<IntegrationCalendar>(v.get("selectedCalendars"), (c: Value): IntegrationCalendar => IntegrationCalendar.read(c));
    return i;
  }
}

/** Input of video.createMeeting. */
export class VideoCreateMeetingInput {
  event: CalendarEvent = new CalendarEvent();

  /** Reads the input. */
  static read(v: Value): VideoCreateMeetingInput {
    const i = new VideoCreateMeetingInput();
    i.event = CalendarEvent.read(v.get("event"));
    return i;
  }
}

/** Input of video.updateMeeting. */
export class VideoUpdateMeetingInput {
  bookingRef: PartialReference = new PartialReference();
  event: CalendarEvent = new CalendarEvent();

  /** Reads the input. */
  static read(v: Value): VideoUpdateMeetingInput {
    const i = new VideoUpdateMeetingInput();
    i.bookingRef = PartialReference.read(v.get("bookingRef"));
    i.event = CalendarEvent.read(v.get("event"));
    return i;
  }
}

/** Input of video.deleteMeeting, crm.deleteEvent and other {uid} inputs. */
export class UidInput {
  uid: string = "";

  /** Reads the input. */
  static read(v: Value): UidInput {
    const i = new UidInput();
    i.uid = v.get("uid").asString();
    return i;
  }
}

/** Input of video.getAvailability. */
export class DateRangeInput {
  dateFrom: string = "";
  dateTo: string = "";

  /** Reads the input. */
  static read(v: Value): DateRangeInput {
    const i = new DateRangeInput();
    i.dateFrom = v.get("dateFrom").asString();
    i.dateTo = v.get("dateTo").asString();
    return i;
  }
}

/** Input of crm.createEvent. */
export class CRMCreateEventInput {
  event: CalendarEvent = new CalendarEvent();
  contacts: Contact[] = [];

  /** Reads the input. */
  static read(v: Value): CRMCreateEventInput {
    const i = new CRMCreateEventInput();
    i.event = CalendarEvent.read(v.get("event"));
    i.contacts = readArray<Contact>(v.get("contacts"), (c: Value): Contact => Contact.read(c));
    return i;
  }
}

/** Input of crm.updateEvent. */
export class CRMUpdateEventInput {
  uid: string = "";
  event: CalendarEvent = new CalendarEvent();

  /** Reads the input. */
  static read(v: Value): CRMUpdateEventInput {
    const i = new CRMUpdateEventInput();
    i.uid = v.get("uid").asString();
    i.event = CalendarEvent.read(v.get("event"));
    return i;
  }
}

/** Input of crm.getContacts. */
export class CRMGetContactsInput {
  emails: string[] = [];
  includeOwner: bool = false;

  /** Reads the input. */
  static read(v: Value): CRMGetContactsInput {
    const i = new CRMGetContactsInput();
    i.emails = readArray<string>(v.get("emails"), (e: Value): string => e.asString());
    i.includeOwner = v.get("includeOwner").asBool();
    return i;
  }
}

/** Input of crm.createContacts. */
export class CRMCreateContactsInput {
  contacts: ContactCreateInput[] = [];
  organizerEmail: string | null = null;

  /** Reads the input. */
  static read(v: Value): CRMCreateContactsInput {
    const i = new CRMCreateContactsInput();
    i.contacts = readArray<ContactCreateInput>(v.get("contacts"), (c: Value): ContactCreateInput => ContactCreateInput.read(c));
    i.organizerEmail = optString(v, "organizerEmail");
    return i;
  }
}

/** Input of payment.create. amount is in the currency's smallest unit. */
export class PaymentCreateInput {
  amount: i64 = 0;
  currency: string = "";
  bookingId: i64 = 0;
  bookerName: string = "";
  bookerEmail: string = "";
  /** ON_BOOKING, AFTER_BOOKING or HOLD. */
  paymentOption: string = "";
  eventTitle: string | null = null;
  raw: Value = Value.MISSING;

  /** Reads the input. */
  static read(v: Value): PaymentCreateInput {
    const i = new PaymentCreateInput();
    i.amount = v.get("payment").get("amount").asInt();
    i.currency = v.get("payment").get("currency").asString();
    i.bookingId = v.get("bookingId").asInt();
    i.bookerName = v.get("bookerName").asString();
    i.bookerEmail = v.get("bookerEmail").asString();
    i.paymentOption = v.get("paymentOption").asString();
    i.eventTitle = optString(v, "eventTitle");
    i.raw = v;
    return i;
  }
}

/** Result of payment.create. */
export class PaymentCreateResult {
  constructor(
    public id: string = "",
    public success: bool = false,
    public url: string = "",
    public data: Value = Value.MISSING,
  ) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyString("id", this.id).keyBool("success", this.success).keyString("url", this.url);
    if (this.data.isObject) w.keyValue("data", this.data);
    w.endObject();
  }
}

/** Input of payment.handleWebhook: the provider's request, headers in lower case. */
export class PaymentHandleWebhookInput {
  headers: Value = Value.MISSING;
  body: string = "";

  /** Reads the input. */
  static read(v: Value): PaymentHandleWebhookInput {
    const i = new PaymentHandleWebhookInput();
    i.headers = v.get("headers");
    i.body = v.get("body").asString();
    return i;
  }

  /** The value of header name (give it in lower case), or null. */
  header(name: string): string | null {
    return optString(this.headers, name);
  }
}

/** Input of analytics.track. */
export class AnalyticsTrackInput {
  event: string = "";
  data: Value = Value.MISSING;

  /** Reads the input. */
  static read(v: Value): AnalyticsTrackInput {
    const i = new AnalyticsTrackInput();
    i.event = v.get("event").asString();
    i.data = v.get("data");
    return i;
  }
}

/** Input of analytics.identify. */
export class AnalyticsIdentifyInput {
  userId: string = "";
  traits: Value = Value.MISSING;

  /** Reads the input. */
  static read(v: Value): AnalyticsIdentifyInput {
    const i = new AnalyticsIdentifyInput();
    i.userId = v.get("userId").asString();
    i.traits = v.get("traits");
    return i;
  }
}

/** Input of automation.onTrigger, shaped like Cal.com's webhook body. */
export class AutomationOnTriggerInput {
  triggerEvent: string = "";
  createdAt: string = "";
  payload: Value = Value.MISSING;

  /** Reads the input. */
  static read(v: Value): AutomationOnTriggerInput {
    const i = new AutomationOnTriggerInput();
    i.triggerEvent = v.get("triggerEvent").asString();
    i.createdAt = v.get("createdAt").asString();
    i.payload = v.get("payload");
    return i;
  }
}

/** Result of app.checkKeys. */
export class CheckKeysResult {
  constructor(
    public valid: bool = true,
    public message: string | null = null,
  ) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyBool("valid", this.valid);
    writeOpt(w, "message", this.message);
    w.endObject();
  }
}

/** Input of payment.update, payment.refund and payment.deletePayment ({paymentId, data?}). */
export class PaymentIdInput {
  paymentId: string = "";
  data: Value = Value.MISSING;

  /** Reads the input. */
  static read(v: Value): PaymentIdInput {
    const i = new PaymentIdInput();
    i.paymentId = v.get("paymentId").asString();
    i.data = v.get("data");
    return i;
  }
}

/** Result of payment.update. */
export class PaymentUpdateResult {
  constructor(
    public id: string = "",
    public success: bool = false,
  ) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyString("id", this.id).keyBool("success", this.success).endObject();
  }
}

/** Result of payment.refund. */
export class PaymentRefundResult {
  constructor(
    public id: string = "",
    public refunded: bool = false,
  ) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyString("id", this.id).keyBool("refunded", this.refunded).endObject();
  }
}

/** Result of payment.deletePayment. */
export class PaymentDeletePaymentResult {
  constructor(public deleted: bool = false) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyBool("deleted", this.deleted).endObject();
  }
}

/** Result of payment.handleWebhook; status is pending, succeeded, failed, refunded, canceled or ignored. */
export class PaymentHandleWebhookResult {
  constructor(
    public paymentId: string = "",
    public status: string = "ignored",
  ) {}

  /** Writes the result. */
  write(w: Writer): void {
    w.beginObject().keyString("paymentId", this.paymentId).keyString("status", this.status).endObject();
  }
}
